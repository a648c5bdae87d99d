import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as path from 'path';
import { ServiceCatalogue } from './catalogue/service-catalogue';
import { validateServiceCatalogue } from './catalogue/validate-catalogue';
import { addComplianceGate } from './compliance/compliance-gate';
import { readValidationReport, unacknowledgedErrors, VALIDATION_REPORT_FILE } from './compliance/validation-report';
import { ConfigErrors, loadPlatformConfig } from './config';
import { createPlatform, Platform } from './platform';
import { projectRoot } from './private/project-root';
import { writeGitOpsManifests } from './workloads';

/** Where `npm run synth` writes the Kubernetes manifests for GitOps users. */
export const MANIFESTS_DIR = path.join(projectRoot(), 'dist', 'manifests');

/** Where `cdk synth` keeps the compliance gate's reports for unchanged re-synths (delete it to force a full run). */
export const GATE_CACHE_DIR = path.join(projectRoot(), 'node_modules', '.cache', 'platform-gate');

export interface SynthesisOptions {
  /** Where the account and region come from when the context does not set them. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives configuration errors, one line each. @default console.error */
  readonly log?: (line: string) => void;
  /** @default MANIFESTS_DIR */
  readonly manifestsDir?: string;
  /** See ComplianceGateOptions.cacheDirectory; also keeps the manifests' schema verdict (SchemaCheckOptions). @default - no cache */
  readonly gateCacheDirectory?: string;
}

/**
 * The whole `cdk synth` path: read and validate configuration and catalogue, build the platform, attach the
 * compliance gate, synthesize, and write the GitOps manifests. A configuration error prints one line per problem
 * and writes nothing.
 * @returns the process exit code
 */
export function synthesizePlatform(app: App, catalogue: ServiceCatalogue, options: SynthesisOptions = {}): number {
  const { env = process.env, log = console.error, manifestsDir = MANIFESTS_DIR } = options;
  let platform: Platform;
  try {
    platform = platformFromContext(app, catalogue, env);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    log(error.message);
    return 1;
  }
  addComplianceGate(app, { cacheDirectory: options.gateCacheDirectory });
  // A report left by an earlier synth must not speak for this one.
  fs.rmSync(path.join(app.outdir, VALIDATION_REPORT_FILE), { force: true });
  const assembly = app.synth();
  const errors = unacknowledgedErrors(readValidationReport(assembly.directory));
  if (errors.length > 0) {
    for (const error of errors) log(`unacknowledged compliance finding: ${error}`);
    log('fix the resource, or acknowledge the finding with a reason in lib/compliance/acknowledgements.ts');
    return 1;
  }
  if (platform.gitOps) {
    writeGitOpsManifests(manifestsDir, platform.gitOps.charts, platform.gitOps.deployTimeValues, {
      cacheDirectory: options.gateCacheDirectory,
    });
  }
  return 0;
}

/**
 * The platform as `cdk synth` builds it: the catalogue validated once, the configuration read from the app's context
 * (account and region from `env` when the context does not set them). Throws ConfigErrors on bad input.
 */
export function platformFromContext(app: App, catalogue: ServiceCatalogue, env: NodeJS.ProcessEnv): Platform {
  const valid = validateServiceCatalogue(catalogue);
  return createPlatform(
    app,
    loadPlatformConfig((key) => app.node.tryGetContext(key), valid, env),
    valid,
  );
}
