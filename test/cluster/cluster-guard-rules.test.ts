import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { guardValidator } from '../../lib/compliance/compliance-gate';
import { testApp } from '../support/platform-fixture';

/**
 * Our cluster guard rules (lib/compliance/guard-rules/cluster-controls.guard) against resources that break each control.
 * A rule file that does not parse is skipped silently by the validator, so each rule must be seen to fire.
 */
describe('cluster guard rules catch a deliberately weakened cluster', () => {
  let violations: Map<string, string[]>;
  beforeAll(() => {
    const app = testApp();
    const stack = new Stack(app, 'Weak');
    new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::111111111111:role/eks',
      resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPrivateAccess: true, endpointPublicAccess: false },
      encryptionConfig: [{ provider: { keyArn: 'arn:aws:kms:us-east-1:111111111111:key/k' }, resources: ['secrets'] }],
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true },
      logging: { clusterLogging: { enabledTypes: [{ type: 'api' }, { type: 'audit' }] } },
    });
    new ec2.CfnLaunchTemplate(stack, 'Nodes', {
      launchTemplateData: { metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 }, monitoring: { enabled: true } },
    });
    new eks.CfnNodegroup(stack, 'Group', {
      clusterName: 'weak',
      nodeRole: 'arn:aws:iam::111111111111:role/node',
      subnets: ['subnet-1'],
      amiType: 'AL2023_x86_64_STANDARD',
    });
    new eks.CfnAddon(stack, 'Dns', { clusterName: 'weak', addonName: 'coredns' });
    new sqs.CfnQueue(stack, 'Queue', { sqsManagedSseEnabled: true });
    const assembly = app.synth();
    const report = guardValidator().validate({ templatePaths: [path.join(assembly.directory, stack.templateFile)] } as never);
    violations = new Map(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.resourceLogicalId ?? '?')]));
  });

  test.each([
    ['PLATFORM_EKS_ALL_CONTROL_PLANE_LOGS', 'Cluster'],
    ['PLATFORM_EKS_ACCESS_ENTRIES_ONLY', 'Cluster'],
    // The hop limit is Control Tower's (CT.EC2.PR.2); ours would duplicate it.
    ['ec2_launch_template_token_hop_limit_check', 'Nodes'],
    ['PLATFORM_EKS_NODES_BOTTLEROCKET', 'Group'],
    ['PLATFORM_EKS_ADDON_VERSION_PINNED', 'Dns'],
    // SQS-managed encryption is not a platform key.
    ['PLATFORM_SQS_KMS_ENCRYPTED', 'Queue'],
  ])('%s reports %s', (rule, logicalId) => {
    expect(violations.get(rule)).toEqual([logicalId]);
  });
});
