import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { platformStackName, ProfileName } from '../../lib/config/platform-config';
import { EDGE_OUTPUTS } from '../../lib/stacks/edge-outputs';

/** Where the smoke test calls and how it gets its tokens; `clientSecret` is never printed or logged. */
export interface SmokeTarget {
  /** Base URL of the API (custom domain or `execute-api` stage URL); route paths are appended to it. */
  readonly apiUrl: string;
  /** The user pool domain's `/oauth2/token` URL. */
  readonly tokenUrl: string;
  /** The machine (client-credentials) app client. */
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The Edge stack's outputs the smoke test reads, by OutputKey. */
const EDGE_OUTPUT_KEYS = Object.values(EDGE_OUTPUTS);
type EdgeOutputKey = (typeof EDGE_OUTPUT_KEYS)[number];

/** The platform cannot be found or read: the message names what is missing and the likely cause. */
export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

export interface DiscoveryOptions {
  readonly profile: ProfileName;
  readonly region: string;
  readonly cloudFormation: CloudFormationClient;
  readonly cognito: CognitoIdentityProviderClient;
}

export function edgeStackName(profile: ProfileName): string {
  return platformStackName(profile, 'edge');
}

/** Reads the Edge stack's outputs, then the machine client's secret from Cognito. */
export async function discoverTarget(options: DiscoveryOptions): Promise<SmokeTarget> {
  const outputs = await edgeOutputs(options);
  return {
    apiUrl: httpsUrl('ApiUrl', outputs.ApiUrl),
    tokenUrl: httpsUrl('TokenUrl', outputs.TokenUrl),
    clientId: outputs.MachineClientId,
    clientSecret: await clientSecret(options.cognito, outputs.UserPoolId, outputs.MachineClientId),
  };
}

async function edgeOutputs(options: DiscoveryOptions): Promise<Record<EdgeOutputKey, string>> {
  const values = await stackOutputs(options, 'edge', EDGE_OUTPUT_KEYS);
  return Object.fromEntries(EDGE_OUTPUT_KEYS.map((key) => [key, values.get(key)!])) as Record<EdgeOutputKey, string>;
}

/** Where a platform stack is looked up: `<profile>-platform-<stack>` in the region, with these credentials. */
export type StackLocation = Pick<DiscoveryOptions, 'profile' | 'region' | 'cloudFormation'>;

/**
 * The outputs of one of the platform's stacks, by OutputKey; `required` keys must be present. The tools that act on a
 * deployed platform (`npm run smoke`, `npm run incident`) find deploy-time values here and nowhere else.
 */
export async function stackOutputs(
  { profile, region, cloudFormation }: StackLocation,
  stack: string,
  required: readonly string[],
): Promise<ReadonlyMap<string, string>> {
  const stackName = platformStackName(profile, stack);
  const redeploy = `npx cdk deploy --all -c profile=${profile}`;
  const wrongTarget = `or check --profile (${profile}) and AWS_REGION (${region})`;
  let found: Stack | undefined;
  try {
    found = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (err) {
    // CloudFormation answers a missing stack with a ValidationError rather than a not-found error.
    if (!(err instanceof Error && /does not exist/.test(err.message))) throw awsCallFailed('cloudformation:DescribeStacks', err);
  }
  if (!found) {
    throw new DiscoveryError(
      `stack ${stackName} does not exist in ${region} for these credentials: ` +
        `the platform is not deployed there (${redeploy}), ${wrongTarget}`,
    );
  }
  const values = new Map<string, string>();
  for (const output of found.Outputs ?? []) if (output.OutputKey && output.OutputValue) values.set(output.OutputKey, output.OutputValue);
  const missing = required.filter((key) => !values.get(key));
  if (missing.length > 0) {
    throw new DiscoveryError(
      `stack ${stackName} (${found.StackStatus}) has no output ${missing.join(', ')}: ` +
        `it was deployed from an older version of this blueprint, redeploy it (${redeploy}), ${wrongTarget}`,
    );
  }
  return values;
}

async function clientSecret(cognito: CognitoIdentityProviderClient, userPoolId: string, clientId: string): Promise<string> {
  let secret: string | undefined;
  try {
    const command = new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId });
    secret = (await cognito.send(command)).UserPoolClient?.ClientSecret;
  } catch (err) {
    throw awsCallFailed('cognito-idp:DescribeUserPoolClient', err);
  }
  if (!secret) {
    throw new DiscoveryError(
      `app client ${clientId} of user pool ${userPoolId} has no secret: ` +
        'MachineClientId must name the client-credentials (machine) client; redeploy the Edge stack if the output is stale',
    );
  }
  return secret;
}

/** Outputs are typed by nothing: a URL that is not https would send the client secret or tokens in the clear. */
function httpsUrl(key: EdgeOutputKey, value: string): string {
  if (!URL.canParse(value) || new URL(value).protocol !== 'https:') {
    throw new DiscoveryError(`output ${key} is "${value}": expected an https:// URL; check the Edge stack's outputs`);
  }
  return value;
}

/** Why an AWS call failed, from what the SDK knows: no credentials, no answer, or the service's refusal. */
export function awsCallFailed(action: string, err: unknown): DiscoveryError {
  const { name, message, $metadata } = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const reason = `${name}: ${message}`;
  if (name === 'CredentialsProviderError') {
    return new DiscoveryError(`${action} failed: no AWS credentials (${message}): set AWS_PROFILE, or sign in (aws sso login)`);
  }
  if ($metadata?.httpStatusCode === undefined) {
    return new DiscoveryError(`${action} failed: AWS did not answer (${reason}): check the network (DNS, proxy) and AWS_REGION`);
  }
  return new DiscoveryError(
    `${action} failed (${reason}): check that the credentials (AWS_PROFILE) are for the platform's account ` + `and allow ${action}`,
  );
}
