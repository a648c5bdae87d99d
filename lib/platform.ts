import { App, Tags } from 'aws-cdk-lib';
import { PlatformConfig } from './config';
import { KeysStack } from './stacks/keys-stack';
import { LoggingStack } from './stacks/logging-stack';
import { NetworkStack } from './stacks/network-stack';
import { ClusterStack } from './stacks/cluster-stack';
import { DataStack } from './stacks/data-stack';
import { EdgeStack } from './stacks/edge-stack';
import { SERVICE_CATALOGUE } from './catalogue/service-catalogue';
import { ORDERS_SCHEMAS } from '../services/orders/src/schemas';
import { INVENTORY_SCHEMAS } from '../services/inventory/src/schemas';

/** Every stack of the reference environment, for callers (tests, reports) that inspect them. */
export interface Platform {
  readonly keys: KeysStack;
  readonly logging: LoggingStack;
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly data: DataStack;
  readonly edge: EdgeStack;
}

/**
 * Construct ids of the stacks. They are part of the public contract (construct paths, acknowledgements),
 * so they do not vary by profile; the CloudFormation stack names do.
 */
export const STACK_IDS = {
  keys: 'Keys',
  logging: 'Logging',
  network: 'Network',
  cluster: 'Cluster',
  data: 'Data',
  edge: 'Edge',
} as const;

/** Builds the whole platform from one validated configuration; bin/ and the tests both call it. */
export function createPlatform(app: App, config: PlatformConfig): Platform {
  const env = { account: config.env.account, region: config.env.region };
  const stackProps = (name: string) => ({
    env,
    stackName: `${config.profile}-platform-${name}`,
    terminationProtection: config.profile === 'prod',
  });

  const keys = new KeysStack(app, STACK_IDS.keys, { ...stackProps('keys'), retainKeys: config.retainData });
  const logging = new LoggingStack(app, STACK_IDS.logging, {
    ...stackProps('logging'),
    logging: config.logging,
    retainLogs: config.retainData,
  });
  const network = new NetworkStack(app, STACK_IDS.network, {
    ...stackProps('network'),
    network: config.network,
    logDestinations: logging.logging,
  });
  const cluster = new ClusterStack(app, STACK_IDS.cluster, {
    ...stackProps('cluster'),
    cluster: config.cluster,
    clusterName: `${config.profile}-platform`,
    network: network.network,
    keys: keys.keys,
    logDestinations: logging.logging,
  });
  const data = new DataStack(app, STACK_IDS.data, {
    ...stackProps('data'),
    catalogue: SERVICE_CATALOGUE,
    dataKey: keys.keys.data,
    cluster: cluster.cluster,
    retainData: config.retainData,
  });
  const edge = new EdgeStack(app, STACK_IDS.edge, {
    ...stackProps('edge'),
    edge: config.edge,
    catalogue: SERVICE_CATALOGUE,
    vpc: network.network.vpc,
    workloadSubnets: network.network.workloadSubnets,
    logDestinations: logging.logging,
    requestSchemas: { ...ORDERS_SCHEMAS, ...INVENTORY_SCHEMAS },
    retainData: config.retainData,
    userDataBucket: data.dataBucket,
  });

  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);
  return { keys, logging, network, cluster, data, edge };
}
