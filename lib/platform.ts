import { App, Tags } from 'aws-cdk-lib';
import { PlatformConfig } from './config';
import { KeysStack } from './stacks/keys-stack';
import { LoggingStack } from './stacks/logging-stack';
import { NetworkStack } from './stacks/network-stack';

/** Every stack of the reference environment, for callers (tests, reports) that inspect them. */
export interface Platform {
  readonly keys: KeysStack;
  readonly logging: LoggingStack;
  readonly network: NetworkStack;
}

/**
 * Construct ids of the stacks. They are part of the public contract (construct paths, acknowledgements),
 * so they do not vary by profile; the CloudFormation stack names do.
 */
export const STACK_IDS = {
  keys: 'Keys',
  logging: 'Logging',
  network: 'Network',
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

  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);
  return { keys, logging, network };
}
