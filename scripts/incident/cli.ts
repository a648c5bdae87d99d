import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ProfileName } from '../../lib/config/platform-config';
import { PROFILE_CHOICES, profileNamed, regionFrom, UsageError } from '../smoke/args';
import { awsCallFailed, DiscoveryError } from '../smoke/discovery';
import { CliIo, exitCodeFor } from '../cli-outcome';
import { collect } from './collect';
import { AwsClients, IncidentContext, KubeApi, PodRef } from './context';
import { catalogueService, disableService } from './disable-service';
import { quarantinePod } from './quarantine-pod';
import { revokeUser } from './revoke-user';
import { rotateClient } from './rotate-client';
import { IncidentError, Steps } from './steps';

/** Options each action accepts beside `--apply` and `--profile`. */
const ACTIONS = {
  'quarantine-pod': { operand: '<namespace>/<pod>', options: [] },
  'revoke-user': { operand: '<username>', options: ['--user-pool-id'] },
  'disable-service': { operand: '<service>', options: [] },
  'rotate-client': { operand: '<client>', options: ['--user-pool-id', '--secret-id'] },
  collect: { operand: '<namespace>/<pod>', options: ['--out'] },
} as const satisfies Record<string, { operand: string; options: readonly string[] }>;

export type IncidentAction = keyof typeof ACTIONS;
/** Every action, as the runbook must name it (test/incident/runbook.test.ts). */
export const INCIDENT_ACTIONS = Object.keys(ACTIONS) as IncidentAction[];

const USAGE = `usage: npm run incident -- <action> <target> [--apply] [--profile ${PROFILE_CHOICES}]; actions: ${INCIDENT_ACTIONS.map(
  (a) => `${a} ${ACTIONS[a].operand}`,
).join(', ')}`;

export interface IncidentArgs {
  readonly action: IncidentAction;
  readonly operand: string;
  readonly apply: boolean;
  readonly profile: ProfileName;
  readonly region: string;
  readonly options: Readonly<Record<string, string>>;
}

export function parseIncidentArgs(argv: readonly string[], env: NodeJS.ProcessEnv): IncidentArgs {
  const [action, ...rest] = argv;
  if (!action || !(action in ACTIONS))
    throw new UsageError(`${action === undefined ? 'no action' : `unknown action "${action}"`}: ${USAGE}`);
  const spec = ACTIONS[action as IncidentAction];
  const accepted: readonly string[] = ['--profile', ...spec.options];
  const options: Record<string, string> = {};
  const operands: string[] = [];
  let apply = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--apply') apply = true;
    else if (arg.startsWith('--')) {
      const [flag, inline] = arg.split(/=(.*)/s, 2);
      if (!accepted.includes(flag))
        throw new UsageError(`unknown option "${flag}" for ${action}: it takes ${['--apply', ...accepted].join(', ')}`);
      const value = inline ?? rest[++i];
      if (value === undefined || value === '' || value.startsWith('--'))
        throw new UsageError(`${flag} needs a value, e.g. ${flag}=<value>`);
      options[flag] = value;
    } else operands.push(arg);
  }
  if (operands.length !== 1)
    throw new UsageError(`${action} takes one ${spec.operand}, got ${operands.length}: npm run incident -- ${action} ${spec.operand}`);
  const profile = profileNamed(options['--profile'] ?? 'dev');
  return {
    action: action as IncidentAction,
    operand: operands[0],
    apply,
    profile,
    region: regionFrom(env, 'npm run incident'),
    options,
  };
}

/** `<namespace>/<pod>`, both DNS labels or subdomains as Kubernetes names them. */
export function parsePodRef(operand: string): PodRef {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(operand);
  if (!match) throw new UsageError(`pod "${operand}" is not <namespace>/<pod>: name it as kubectl does, e.g. shop/orders-7d9f8b6c5-x2x4z`);
  return { namespace: match[1], name: match[3] };
}

export interface IncidentCliOptions extends CliIo {
  /** @default - the SDK's clients for the region, credentials from its default chain */
  readonly aws?: AwsClients;
  /** @default - CoreV1Api from the default kubeconfig (KUBECONFIG or ~/.kube/config) */
  readonly kube?: () => KubeApi;
  /** @default - the clock */
  readonly now?: () => Date;
}

/** `npm run incident`: exit code 0 when the action ran (or would run), 1 when it failed, 2 on a bad argument (nothing changed). */
export async function runIncidentCli(options: IncidentCliOptions): Promise<number> {
  const { err } = options;
  let owned: RegionalAwsClients | undefined;
  try {
    const args = parseIncidentArgs(options.argv, options.env);
    const run = ACTION_RUNNERS[args.action](args);
    const aws = options.aws ?? (owned = new RegionalAwsClients(args.region));
    const now = options.now ?? (() => new Date());
    const context: IncidentContext = {
      profile: args.profile,
      region: args.region,
      steps: new Steps(args.action, args.apply, options.out, now),
      aws,
      kube: options.kube ?? defaultKube(),
      userPoolId: args.options['--user-pool-id'],
      now,
    };
    await run(context);
    return 0;
  } catch (error) {
    return exitCodeFor('incident', error, err, (failed) => {
      if (failed instanceof IncidentError || failed instanceof DiscoveryError) return failed.message;
      if (
        (failed as { $metadata?: unknown }).$metadata !== undefined ||
        (failed as { name?: string }).name === 'CredentialsProviderError'
      ) {
        return awsCallFailed('an AWS call', failed).message;
      }
      // The Kubernetes client's errors (no kubeconfig, API server unreachable or refusing): one line, not a stack trace.
      return (failed as Error).message;
    });
  } finally {
    owned?.destroy();
  }
}

/** Each action checks its operand before anything is built or called, then runs with the context. */
const ACTION_RUNNERS: Record<IncidentAction, (args: IncidentArgs) => (context: IncidentContext) => Promise<void>> = {
  'quarantine-pod': (args) => {
    const pod = parsePodRef(args.operand);
    return (context) => quarantinePod(context, pod);
  },
  'revoke-user': (args) => (context) => revokeUser(context, args.operand),
  'disable-service': (args) => {
    const service = catalogueService(args.operand);
    return (context) => disableService(context, service);
  },
  'rotate-client': (args) => (context) => rotateClient(context, { client: args.operand, secretId: args.options['--secret-id'] }),
  collect: (args) => {
    const pod = parsePodRef(args.operand);
    return (context) => collect(context, pod, args.options['--out']);
  },
};

/** The SDK's clients for the region, each built on first use, so an action that needs no AWS call builds none. */
class RegionalAwsClients implements AwsClients {
  private readonly built = new Map<string, { destroy(): void }>();

  constructor(private readonly region: string) {}

  get cloudFormation() {
    return this.client(CloudFormationClient);
  }
  get cognito() {
    return this.client(CognitoIdentityProviderClient);
  }
  get eks() {
    return this.client(EKSClient);
  }
  get iam() {
    return this.client(IAMClient);
  }
  get secrets() {
    return this.client(SecretsManagerClient);
  }

  destroy(): void {
    this.built.forEach((client) => client.destroy());
  }

  private client<T extends { destroy(): void }>(Client: new (config: { region: string }) => T): T {
    if (!this.built.has(Client.name)) this.built.set(Client.name, new Client({ region: this.region }));
    return this.built.get(Client.name) as T;
  }
}

/**
 * Loaded lazily: only the actions that use it read the kubeconfig. The client is an ES module, which Node 20.19+
 * requires natively (esbuild leaves the require in the bundle) but jest cannot load: tests pass fakes instead.
 */
function defaultKube(): () => KubeApi {
  let api: KubeApi | undefined;
  return () => {
    if (!api) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const k8s = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
      const config = new k8s.KubeConfig();
      config.loadFromDefault();
      api = {
        core: config.makeApiClient(k8s.CoreV1Api),
        networking: config.makeApiClient(k8s.NetworkingV1Api),
        mergePatch: k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      };
    }
    return api;
  };
}
