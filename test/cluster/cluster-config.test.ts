import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizePlatform } from '../../lib/app';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { ClusterConfig } from '../../lib/config';
import { DEV_DEFAULTS, sliceProblems } from '../support/config-problems';

const problems = (cluster: Partial<ClusterConfig>) => sliceProblems('cluster', cluster);
const nodeGroup = DEV_DEFAULTS.cluster.nodeGroup;

describe('bad cluster configuration stops with one line naming the field, the value and the fix', () => {
  test.each<[string, Partial<ClusterConfig>, string]>([
    [
      'an unsupported Kubernetes version',
      { kubernetesVersion: '1.29', kubectlLayerVersion: '1.29' },
      'invalid config cluster.kubernetesVersion="1.29": use one of 1.35 (add its kubectl layer package to support another)',
    ],
    [
      'a kubectl layer that does not match the cluster',
      { kubectlLayerVersion: '1.34' },
      'invalid config cluster.kubectlLayerVersion="1.34": set it to the cluster version 1.35; kubectl must match the cluster',
    ],
    [
      'a node group whose desired size exceeds its max',
      { nodeGroup: { ...nodeGroup, desiredSize: 5, maxSize: 4 } },
      'invalid config cluster.nodeGroup.desiredSize=5: must lie between minSize (2) and maxSize (4)',
    ],
    [
      'a node group whose min exceeds its max',
      { nodeGroup: { ...nodeGroup, minSize: 6, desiredSize: 6, maxSize: 4 } },
      'invalid config cluster.nodeGroup.maxSize=4: must be at least minSize (6)',
    ],
    [
      'a data volume too small for Bottlerocket',
      { nodeGroup: { ...nodeGroup, diskSizeGiB: 8 } },
      'invalid config cluster.nodeGroup.diskSizeGiB=8: use a whole number of at least 20',
    ],
    [
      'a Private CA ARN of the wrong shape',
      { privateCaArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
      'invalid config cluster.privateCaArn="arn:aws:acm:us-east-1:123456789012:certificate/abc": use an AWS Private CA ARN',
    ],
  ])('%s', (_name, cluster, expected) => {
    const messages = problems(cluster);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n/);
  });

  test('the default cluster configuration is valid', () => {
    expect(problems({})).toEqual([]);
  });

  test('an admin that is not a role synthesizes nothing', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-')), 'cdk.out');
    const lines: string[] = [];
    const app = new App({ outdir, context: { adminRoleArns: 'arn:aws:iam::111111111111:user/alice' } });
    expect(synthesizePlatform(app, SERVICE_CATALOGUE, { env: {}, log: (line) => lines.push(line) })).toBe(1);
    expect(lines.join('\n')).toContain('invalid config cluster.adminRoleArns="arn:aws:iam::111111111111:user/alice"');
    expect(fs.existsSync(outdir) ? fs.readdirSync(outdir) : []).toEqual([]);
  });
});
