import { ECRClient, ECRServiceException } from '@aws-sdk/client-ecr';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { validateServiceCatalogue } from '../../lib/catalogue/validate-catalogue';
import { CONTEXT_KEYS, ConfigErrors, loadPlatformConfig } from '../../lib/config';
import { ecrRegistryHost, pinnedCharts } from '../../lib/constructs/chart-mirror';
import { projectRoot } from '../../lib/private/project-root';
import { CliIo, exitCodeFor } from '../cli-outcome';
import { parseMirrorArgs } from './args';
import { ChartLock, CHART_DIGESTS_FILE } from './lock-file';
import { mirrorCharts } from './mirror-charts';
import { MirrorError } from './mirror-error';
import { Fetch } from './oci-registry';

export interface MirrorCliOptions extends CliIo {
  /** @default - an ECR client in the chosen region, credentials from the SDK's default chain */
  readonly ecr?: ECRClient;
  /** @default globalThis.fetch */
  readonly fetch?: Fetch;
  /** @default CHART_DIGESTS_FILE */
  readonly lockFile?: string;
}

/**
 * `npm run mirror`: copies every chart the platform installs, at the profile's pinned versions, into the account's
 * ECR. Exit code 0 done (or planned), 1 refused or failed, 2 bad usage (nothing done).
 */
export async function runMirrorCli(options: MirrorCliOptions): Promise<number> {
  const { out, err } = options;
  const root = projectRoot();
  const cdkContext: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).context ?? {};
  try {
    const args = parseMirrorArgs(options.argv, options.env, (key) => cdkContext[key]);
    // The versions `cdk synth` pins for this profile, read through the same configuration path.
    const overrides: Record<string, unknown> = {
      [CONTEXT_KEYS.profile]: args.profile,
      [CONTEXT_KEYS.account]: args.account,
      [CONTEXT_KEYS.region]: args.region,
    };
    const config = loadPlatformConfig((key) => overrides[key] ?? cdkContext[key], validateServiceCatalogue(SERVICE_CATALOGUE), options.env);
    const lockFile = options.lockFile ?? CHART_DIGESTS_FILE;
    const ecr = options.ecr ?? new ECRClient({ region: args.region });
    try {
      return await mirrorCharts({
        charts: pinnedCharts(config.cluster.helm),
        host: ecrRegistryHost(args.account, args.region),
        lock: ChartLock.read(lockFile),
        lockName: path.relative(root, lockFile),
        ecr,
        fetch: reportingFailures(options.fetch ?? ((url, init) => fetch(url, init))),
        apply: args.apply,
        record: args.record,
        out,
        err,
      });
    } finally {
      if (!options.ecr) ecr.destroy();
    }
  } catch (error) {
    return exitCodeFor('mirror', error, err, (failed) => {
      if (failed instanceof ConfigErrors || failed instanceof MirrorError) return failed.message;
      if (failed instanceof ECRServiceException || (failed as Error).name === 'CredentialsProviderError') {
        return `ECR: ${(failed as Error).message} (check the AWS credentials and region)`;
      }
      return undefined;
    });
  }
}

/** A request that cannot reach its host (no route, DNS, TLS) fails with one line naming the URL. */
function reportingFailures(send: Fetch): Fetch {
  return (url, init) =>
    send(url, init).catch((error: Error & { cause?: Error }) => {
      throw new MirrorError(`${init?.method ?? 'GET'} ${url}: ${error.cause?.message ?? error.message}`);
    });
}
