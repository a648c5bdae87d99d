import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ServiceCatalogue } from '../../lib/catalogue/service-catalogue';
import { validateServiceCatalogue } from '../../lib/catalogue/validate-catalogue';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { PlatformConfig } from '../../lib/config';
import { PlatformIdentity } from '../../lib/constructs/platform-identity';
import { DataStack } from '../../lib/stacks/data-stack';
import { KeysStack } from '../../lib/stacks/keys-stack';
import { LoggingStack } from '../../lib/stacks/logging-stack';
import { buildPlatform, testApp, testConfig } from '../support/platform-fixture';

export interface DataFixture {
  readonly app: App;
  readonly config: PlatformConfig;
  readonly keys: KeysStack;
  /** Holds the logs key, which no service role may use. */
  readonly logging: LoggingStack;
  readonly cluster: eks.ICluster;
  readonly data: DataStack;
  /** The edge's identity pool construct, granted the data bucket as createPlatform grants it. */
  readonly identity?: PlatformIdentity;
}

/** The reference environment as createPlatform builds it, seen through the data fixture's members. */
export function platformData(context: Record<string, unknown> = {}): DataFixture {
  const { app, platform, config } = buildPlatform(context);
  return {
    app,
    config,
    keys: platform.keys,
    logging: platform.logging,
    cluster: platform.cluster.cluster,
    data: platform.data,
    identity: platform.edge.identity,
  };
}

/**
 * A lean app for construct assertions: the data stack with its real key and logging stacks, an imported cluster and,
 * optionally, the edge's identity pool construct granted the data bucket.
 */
export function buildData(
  options: {
    context?: Record<string, unknown>;
    catalogue?: ServiceCatalogue;
    /** Add the identity pool (in an `Edge` stack); leave it out where only the data stack matters. @default true */
    withIdentity?: boolean;
  } = {},
): DataFixture {
  const app = testApp();
  const config = testConfig(options.context);
  const env = { account: config.env.account, region: config.env.region };
  const stackProps = (name: string) => ({ env, stackName: `${config.profile}-platform-${name}` });
  const logging = new LoggingStack(app, 'Logging', { ...stackProps('logging'), logging: config.logging, retainLogs: config.retainData });
  const keys = new KeysStack(app, 'Keys', { ...stackProps('keys'), retainKeys: config.retainData, logDestinations: logging.logging });
  const clusterStack = new Stack(app, 'Cluster', stackProps('cluster'));
  const cluster = eks.Cluster.fromClusterAttributes(clusterStack, 'Imported', { clusterName: 'dev-platform' });
  const identity =
    (options.withIdentity ?? true)
      ? new PlatformIdentity(new Stack(app, 'Edge', stackProps('edge')), 'Identity', {
          catalogue: REFERENCE_CATALOGUE,
          domainPrefix: `${config.profile}-platform-edge-${config.env.account}`,
          tokenTriggerLogGroup: logging.logging.createLogGroup('TokenTriggerLogs'),
        })
      : undefined;
  const data = new DataStack(app, 'Data', {
    ...stackProps('data'),
    catalogue: options.catalogue === undefined ? REFERENCE_CATALOGUE : validateServiceCatalogue(options.catalogue),
    dataKey: keys.keys.data,
    cluster,
    retainData: config.retainData,
    identityPoolRole: identity?.authenticatedRole,
    profile: config.profile,
    logDestinations: logging.logging,
  });
  return { app, config, keys, logging, cluster, data, identity };
}
