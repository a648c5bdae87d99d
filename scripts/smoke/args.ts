import { PROFILE_NAMES, ProfileName } from '../../lib/config/platform-config';
import { REGION_PATTERN } from '../../lib/config/validate-config';
import { UsageError } from '../usage-error';

export { UsageError };

/** What `npm run smoke -- …` was asked to check. */
export interface SmokeArgs {
  /** The platform profile whose stacks are checked (`<profile>-platform-edge`). */
  readonly profile: ProfileName;
  /** The region the stacks are deployed in, from AWS_REGION or AWS_DEFAULT_REGION. */
  readonly region: string;
}

export const PROFILE_CHOICES = PROFILE_NAMES.join('|');

export function parseSmokeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SmokeArgs {
  return { profile: parseProfile(argv), region: regionFrom(env) };
}

/** `--profile <name>` or `--profile=<name>`; the last one wins; dev when absent. */
function parseProfile(argv: readonly string[]): ProfileName {
  let profile: string = 'dev';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--profile=')) {
      profile = arg.slice('--profile='.length);
    } else if (arg === '--profile') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--profile needs a value: use --profile ${PROFILE_CHOICES}`);
      profile = value;
    } else {
      throw new UsageError(
        `unknown argument "${arg}": the only option is --profile ${PROFILE_CHOICES} (e.g. npm run smoke -- --profile dev)`,
      );
    }
  }
  return profileNamed(profile);
}

/** The profile `profile` names, or a usage error naming where the value came from (`from`) and the choices. */
export function profileNamed(profile: string, from = '--profile'): ProfileName {
  if (!PROFILE_NAMES.includes(profile as ProfileName)) throw new UsageError(`${from} is "${profile}": use --profile ${PROFILE_CHOICES}`);
  return profile as ProfileName;
}

/** The region as the AWS CLI reads it: AWS_REGION first, then AWS_DEFAULT_REGION. */
export function regionFrom(env: NodeJS.ProcessEnv, command = 'npm run smoke'): string {
  const variable = ['AWS_REGION', 'AWS_DEFAULT_REGION'].find((name) => env[name]?.trim());
  if (!variable) {
    throw new UsageError(
      'AWS_REGION is not set (nor AWS_DEFAULT_REGION): set it to the region the platform is deployed in, ' +
        `e.g. AWS_REGION=eu-west-1 ${command}`,
    );
  }
  const region = env[variable]!.trim();
  if (!REGION_PATTERN.test(region)) throw new UsageError(`${variable} is "${region}": set it to a region name such as eu-west-1`);
  return region;
}
