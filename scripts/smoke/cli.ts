import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { ProfileName } from '../../lib/config/platform-config';
import { CliIo, exitCodeFor } from '../cli-outcome';
import { parseSmokeArgs } from './args';
import { discoverTarget, DiscoveryError, edgeStackName, SmokeTarget } from './discovery';
import { checkLines, summaryLines } from './report';
import { runSmoke } from './run-smoke';

export interface SmokeCliOptions extends CliIo {
  /**
   * The only CA to trust (tests).
   * @default - Node's trust store, which includes NODE_EXTRA_CA_CERTS
   */
  readonly ca?: string;
}

/** `npm run smoke`: exit code 0 when every check passed, 1 when one failed or the platform was not found, 2 on bad usage. */
export async function runSmokeCli(options: SmokeCliOptions): Promise<number> {
  const { out, err } = options;
  try {
    const args = parseSmokeArgs(options.argv, options.env);
    const target = await discover(args.profile, args.region);
    out(
      `smoke test of ${edgeStackName(args.profile)} in ${args.region}: API ${target.apiUrl}, token endpoint ${target.tokenUrl}, ` +
        `client ${target.clientId}`,
    );
    const results = await runSmoke({ target, ca: options.ca });
    checkLines(results).forEach((line) => out(line));
    const failed = results.some((result) => !result.passed);
    summaryLines(results).forEach((line) => (failed ? err : out)(line));
    return failed ? 1 : 0;
  } catch (error) {
    return exitCodeFor('smoke', error, err, (failed) => (failed instanceof DiscoveryError ? failed.message : undefined));
  }
}

async function discover(profile: ProfileName, region: string): Promise<SmokeTarget> {
  const cloudFormation = new CloudFormationClient({ region });
  const cognito = new CognitoIdentityProviderClient({ region });
  try {
    return await discoverTarget({ profile, region, cloudFormation, cognito });
  } finally {
    cloudFormation.destroy();
    cognito.destroy();
  }
}
