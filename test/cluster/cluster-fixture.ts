import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ClusterConfig } from '../../lib/config';
import { KeysStack } from '../../lib/stacks/keys-stack';
import { LoggingStack } from '../../lib/stacks/logging-stack';
import { NetworkStack } from '../../lib/stacks/network-stack';
import { ClusterStack } from '../../lib/stacks/cluster-stack';
import { testApp, testConfig } from '../support/platform-fixture';
import { clusterFoundations } from '../../lib/platform';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { resolveWorkload } from '../../lib/charts/workload-settings';

/** The ingress target group the cluster stack is given (the Edge stack's in the platform). */
const TEST_INGRESS_TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/ingress/0123456789abcdef';

/**
 * The cluster stack with the foundation stacks it consumes, for a configuration with cluster overrides.
 * `extend` adds constructs (e.g. a workload stack) before the app is synthesized.
 */
export function buildClusterStack(
  overrides: Partial<ClusterConfig> = {},
  context: Record<string, unknown> = {},
  extend: (parts: { app: App; stack: ClusterStack }) => void = () => undefined,
) {
  const app = testApp(context);
  const base = testConfig(context);
  const config = { ...base, cluster: { ...base.cluster, ...overrides } };
  const env = { account: config.env.account, region: config.env.region };
  const logging = new LoggingStack(app, 'Logging', { env, logging: config.logging, retainLogs: false });
  const keys = new KeysStack(app, 'Keys', { env, retainKeys: false, logDestinations: logging.logging });
  const network = new NetworkStack(app, 'Network', {
    env,
    network: config.network,
    logDestinations: logging.logging,
    imageCacheKey: keys.keys.data,
  });
  const stack = new ClusterStack(app, 'Cluster', {
    env,
    cluster: config.cluster,
    clusterName: `${config.profile}-platform`,
    ...clusterFoundations(keys, network, logging),
    ingressTargetGroup: elbv2.NetworkTargetGroup.fromTargetGroupAttributes(network, 'IngressTargets', {
      targetGroupArn: TEST_INGRESS_TARGET_GROUP_ARN,
    }),
    ingress: REFERENCE_CATALOGUE.ingress,
    teamWorkload: resolveWorkload(config.profile),
  });
  extend({ app, stack });
  return { app, config, stack, keys, logging, network, template: Template.fromStack(stack) };
}
