import * as fs from 'fs';
import * as path from 'path';
import { PropertyInjectors, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../../lib/config';
import { ClusterManifest, MAX_MANIFEST_BYTES_PER_RESOURCE } from '../../lib/constructs/cluster-manifest';
import { LogGroupEncryption } from '../../lib/constructs/log-group-encryption';
import { PodIdentityRole } from '../../lib/constructs/pod-identity-role';
import { KUBECTL_LAYERS, PrivateCluster } from '../../lib/constructs/private-cluster';
import { testApp } from '../support/platform-fixture';
import { buildClusterStack } from './cluster-fixture';
import { parseJson } from '../../lib/evidence/cluster-resources';

/** CloudFormation's limit for a template uploaded through S3, which the CDK CLI does. */
const TEMPLATE_LIMIT_BYTES = 1_000_000;

let built: ReturnType<typeof buildClusterStack>;
let workloads: Stack;
let workloadManifest: ClusterManifest;
beforeAll(() => {
  built = buildClusterStack({}, {}, ({ app, stack }) => {
    // A workload chart added the way other stacks add theirs: in their own stack, against eks.ICluster.
    workloads = new Stack(app, 'Workloads', { env: stack.env });
    const chart = new Chart(Testing.app(), 'big');
    for (let i = 0; i < 300; i++) {
      new ApiObject(chart, `cm${i}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${i}`, namespace: 'orders' },
        data: { blob: 'x'.repeat(1000) },
      });
    }
    const cluster: eks.ICluster = stack.cluster;
    workloadManifest = new ClusterManifest(workloads, 'Orders', { cluster, chart });
    new PodIdentityRole(workloads, 'OrdersIdentity', { cluster, namespace: 'orders', serviceAccount: 'orders' });
  });
});

const templateBytes = (stack: Stack) => Buffer.byteLength(JSON.stringify(Template.fromStack(stack).toJSON()));
const customResources = (stack: Stack, type: string) => Object.values<any>(Template.fromStack(stack).findResources(type));

describe('CloudFormation and custom-resource size limits', () => {
  test('the cluster stack template stays far below the 1 MB limit (measured in dev)', () => {
    const bytes = templateBytes(built.stack);
    expect(bytes).toBeLessThan(TEMPLATE_LIMIT_BYTES / 10);
  });

  test('Helm components carry only a chart reference and small values, never the chart itself', () => {
    for (const chart of customResources(built.stack, 'Custom::AWSCDK-EKS-HelmChart')) {
      expect(Buffer.byteLength(JSON.stringify(chart.Properties))).toBeLessThan(4096);
    }
  });

  test('every manifest custom resource stays within the per-resource budget', () => {
    for (const stack of [built.stack, workloads]) {
      for (const manifest of customResources(stack, 'Custom::AWSCDK-EKS-KubernetesResource')) {
        expect(Buffer.byteLength(JSON.stringify(manifest.Properties))).toBeLessThanOrEqual(MAX_MANIFEST_BYTES_PER_RESOURCE + 1024);
      }
    }
  });

  test('a large chart is split into ordered batches in its own stack, not the cluster stack', () => {
    const batches = customResources(workloads, 'Custom::AWSCDK-EKS-KubernetesResource');
    expect(batches.length).toBe(workloadManifest.batches.length);
    expect(batches.length).toBeGreaterThanOrEqual(4);
    const names = batches.flatMap((b) => (parseJson(b.Properties.Manifest).json as any[]).map((o) => o.metadata.name));
    expect(names).toEqual(Array.from({ length: 300 }, (_, i) => `cm-${i}`));
    // Each batch after the first depends on the one before: applied in order, deleted in reverse.
    const ids = workloadManifest.batches.map((b) => workloads.getLogicalId(b.node.defaultChild as never));
    const template = Template.fromStack(workloads).toJSON().Resources;
    ids.slice(1).forEach((id, i) => expect(template[id].DependsOn).toContain(ids[i]));
    expect(templateBytes(workloads)).toBeLessThan(TEMPLATE_LIMIT_BYTES);
  });

  test('one object over the budget is refused with the fix', () => {
    const stack = new Stack(testApp(), 'TooBig');
    expect(
      () =>
        new ClusterManifest(stack, 'Huge', {
          cluster: built.stack.cluster,
          manifest: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'huge' },
              data: { blob: 'x'.repeat(MAX_MANIFEST_BYTES_PER_RESOURCE) },
            },
          ],
        }),
    ).toThrow(/ConfigMap huge is \d+ bytes, over the 98304-byte budget of one custom resource; install it from a Helm chart/);
  });
});

describe('other stacks use the cluster as eks.ICluster', () => {
  test('a Pod Identity association lives in the workload stack, bound to the cluster and the agent add-on', () => {
    const association = customResources(workloads, 'AWS::EKS::PodIdentityAssociation');
    expect(association).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({ Namespace: 'orders', ServiceAccount: 'orders', ClusterName: expect.anything() }),
      }),
    ]);
    expect(workloads.dependencies).toContain(built.stack);
  });
});

describe('kubectl layer', () => {
  test('every supported Kubernetes version has a kubectl layer, and only those', () => {
    expect(Object.keys(KUBECTL_LAYERS).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS].sort());
  });

  test.each(Object.entries(KUBECTL_LAYERS))('the layer package for %s ships kubectl of that minor version', (version, layer) => {
    expect(layer.packageName).toBe(`@aws-cdk/lambda-layer-kubectl-v${version.split('.')[1]}`);
    const dockerfile = fs.readFileSync(
      path.join(path.dirname(require.resolve(`${layer.packageName}/package.json`)), 'layer', 'Dockerfile'),
      'utf8',
    );
    const kubectl = /ARG KUBECTL_VERSION=(\d+\.\d+)\.\d+/.exec(dockerfile)?.[1];
    expect(kubectl).toBe(version);
  });

  test('the configured cluster version and its layer agree', () => {
    expect(built.config.cluster.kubectlLayerVersion).toBe(built.config.cluster.kubernetesVersion);
    expect(built.config.cluster.kubernetesVersion).toBe('1.35');
  });
});

describe('PrivateCluster refuses unsafe or inconsistent input', () => {
  const props = () => {
    // A fresh app: these throw before creating anything, and the built app is already synthesized.
    const stack = new Stack(testApp(), 'Bad', { env: built.stack.env });
    return {
      stack,
      props: {
        clusterName: 'bad',
        kubernetesVersion: '1.35',
        vpc: built.network.network.vpc,
        subnets: built.network.network.workloadSubnets,
        secretsKey: built.keys.keys.clusterSecrets,
        volumeKey: built.keys.keys.blockStorage,
        admins: [iam.Role.fromRoleArn(stack, 'Admin', 'arn:aws:iam::111111111111:role/Admin')],
        controlPlaneLogGroup: logs.LogGroup.fromLogGroupName(stack, 'Cp', '/aws/eks/bad/cluster'),
        nodeGroup: built.config.cluster.nodeGroup,
        addonVersions: built.config.cluster.addons,
      },
    };
  };

  test('a kubectl layer that does not match the cluster version', () => {
    const { stack, props: p } = props();
    expect(() => new PrivateCluster(stack, 'C', { ...p, kubectlLayerVersion: '1.34' })).toThrow(
      'kubectl layer 1.34 does not match Kubernetes 1.35: use the layer of the cluster version',
    );
  });

  test('a Kubernetes version without a kubectl layer', () => {
    const { stack, props: p } = props();
    expect(() => new PrivateCluster(stack, 'C', { ...p, kubernetesVersion: '1.30' })).toThrow(
      /kubernetes version 1.30 has no kubectl layer: use one of 1.35/,
    );
  });

  test('no admin', () => {
    const { stack, props: p } = props();
    expect(() => new PrivateCluster(stack, 'C', { ...p, admins: [] })).toThrow(/admins is empty/);
  });
});

describe('LogGroupEncryption', () => {
  test('gives a key to log groups created without one, and keeps a key that was given', () => {
    const app = testApp();
    const stack = new Stack(app, 'Injected');
    const plain = new Stack(app, 'Plain');
    const platformKey = new kms.Key(stack, 'LogsKey');
    const ownKey = new kms.Key(stack, 'OwnKey');
    PropertyInjectors.of(stack).add(new LogGroupEncryption({ encryptionKey: platformKey, logGroupRemovalPolicy: RemovalPolicy.DESTROY }));
    const unencrypted = new logs.LogGroup(stack, 'Library');
    const encrypted = new logs.LogGroup(stack, 'Own', { encryptionKey: ownKey });
    new logs.LogGroup(plain, 'Outside');
    const keyOf = (group: logs.LogGroup) => stack.resolve((group.node.defaultChild as logs.CfnLogGroup).kmsKeyId);
    expect(keyOf(unencrypted)).toEqual(stack.resolve(platformKey.keyArn));
    expect(keyOf(encrypted)).toEqual(stack.resolve(ownKey.keyArn));
    // And the platform's removal policy, so a dev teardown removes library log groups too (CDK's default keeps them).
    const deletionPolicy = (group: logs.LogGroup) => (group.node.defaultChild as logs.CfnLogGroup).cfnOptions.deletionPolicy;
    expect([deletionPolicy(unencrypted), deletionPolicy(encrypted)]).toEqual(['Delete', 'Delete']);
    // Only the scope it is registered on is affected.
    Template.fromStack(plain).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.absent() });
  });
});

describe('private-cluster traps', () => {
  test('with isolated egress, synth says the charts come from the ECR mirror, which npm run mirror must fill first', () => {
    const isolated = buildClusterStack({}, { egress: 'isolated' });
    expect(
      Annotations.fromStack(isolated.stack).findWarning(
        '*',
        Match.stringLikeRegexp(
          'egress is isolated: .*ECR mirror oci://111111111111.dkr.ecr.us-east-1.amazonaws.com/platform-charts; run npm run mirror',
        ),
      ),
    ).toHaveLength(1);
    expect(Annotations.fromStack(built.stack).findWarning('*', Match.stringLikeRegexp('egress is isolated'))).toHaveLength(0);
  });
});

describe('snapshot', () => {
  test('the dev cluster stack (asset hashes masked)', () => {
    expect(Template.fromStack(built.stack).toJSON()).toMatchSnapshot();
  });
});
