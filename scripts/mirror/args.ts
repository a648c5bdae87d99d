import type { ContextReader } from '../../lib/config/load-config';
import { PLACEHOLDER_ACCOUNT, ProfileName } from '../../lib/config/platform-config';
import { ACCOUNT_PATTERN, REGION_PATTERN } from '../../lib/config/validate-config';
import { profileNamed } from '../smoke/args';
import { UsageError } from '../usage-error';

/** What `npm run mirror -- …` was asked to do. */
export interface MirrorArgs {
  /** The profile whose pinned chart versions are mirrored. */
  readonly profile: ProfileName;
  readonly account: string;
  readonly region: string;
  /** Copy; without it the mirror only prints its plan. */
  readonly apply: boolean;
  /** Trust and record the digest of chart versions the lock file does not know yet. */
  readonly record: boolean;
}

const USAGE = 'npm run mirror -- [--apply] [--record] [--profile dev|prod] [--account <id> --region <region>]';
const VALUE_FLAGS = ['profile', 'account', 'region'] as const;
const SWITCHES = ['apply', 'record'] as const;

/**
 * Flags first; then, as `cdk deploy` finds them, cdk.json's context (`account`, `region`, `profile`) and the
 * environment (CDK_DEFAULT_ACCOUNT or AWS_ACCOUNT_ID; CDK_DEFAULT_REGION, AWS_REGION or AWS_DEFAULT_REGION).
 */
export function parseMirrorArgs(argv: readonly string[], env: NodeJS.ProcessEnv, context: ContextReader): MirrorArgs {
  const values: Partial<Record<(typeof VALUE_FLAGS)[number], string>> = {};
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const name = flag.replace(/^--/, '');
    if (flag.startsWith('--') && (SWITCHES as readonly string[]).includes(name) && inline === undefined) {
      switches.add(name);
    } else if (flag.startsWith('--') && (VALUE_FLAGS as readonly string[]).includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value: ${USAGE}`);
      values[name as (typeof VALUE_FLAGS)[number]] = value;
    } else {
      throw new UsageError(`unknown argument "${argv[i]}": ${USAGE}`);
    }
  }
  /** The first value given, with where it came from, so an error names what to fix. */
  const first = (...candidates: [string, unknown][]): [string, string] | undefined => {
    const found = candidates.find(([, value]) => value !== undefined && String(value).trim() !== '');
    return found && [found[0], String(found[1]).trim()];
  };

  const [profileFrom, profileValue] = first(['--profile', values.profile], ['cdk.json context profile', context('profile')]) ?? ['', 'dev'];
  const profile = profileNamed(profileValue, profileFrom);

  const account = first(
    ['--account', values.account],
    ['cdk.json context account', context('account')],
    ['CDK_DEFAULT_ACCOUNT', env.CDK_DEFAULT_ACCOUNT],
    ['AWS_ACCOUNT_ID', env.AWS_ACCOUNT_ID],
  );
  if (account === undefined) {
    throw new UsageError('no account: pass --account <12-digit id> of the account the platform deploys to (or set CDK_DEFAULT_ACCOUNT)');
  }
  if (!ACCOUNT_PATTERN.test(account[1]) || account[1] === PLACEHOLDER_ACCOUNT) {
    throw new UsageError(`${account[0]} is "${account[1]}": use the 12-digit id of the account the platform deploys to`);
  }
  const region = first(
    ['--region', values.region],
    ['cdk.json context region', context('region')],
    ['CDK_DEFAULT_REGION', env.CDK_DEFAULT_REGION],
    ['AWS_REGION', env.AWS_REGION],
    ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION],
  );
  if (region === undefined) throw new UsageError('no region: pass --region <region> (or set AWS_REGION), e.g. --region eu-west-1');
  if (!REGION_PATTERN.test(region[1])) throw new UsageError(`${region[0]} is "${region[1]}": use a region name such as eu-west-1`);
  return {
    profile,
    account: account[1],
    region: region[1],
    apply: switches.has('apply'),
    record: switches.has('record'),
  };
}
