import { App } from 'aws-cdk-lib';
import { addComplianceGate } from './compliance/compliance-gate';
import { ConfigErrors, loadPlatformConfig } from './config';
import { createPlatform } from './platform';

/**
 * The whole `cdk synth` path: read and validate configuration, build the platform, attach the compliance gate,
 * synthesize. A configuration error prints one line per problem and synthesizes nothing.
 * @returns the process exit code
 */
export function synthesizePlatform(app: App, env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.error): number {
  let config;
  try {
    config = loadPlatformConfig((key) => app.node.tryGetContext(key), env);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    log(error.message);
    return 1;
  }
  createPlatform(app, config);
  addComplianceGate(app);
  app.synth();
  return 0;
}
