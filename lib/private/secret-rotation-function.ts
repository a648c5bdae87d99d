/**
 * The Secrets Manager rotation function of the platform's generated secrets: self-contained random keys that no other
 * system has to learn (the service reading the key is its only user). This file is the Lambda's whole code: it
 * imports only the AWS SDK v3 the Node.js runtime provides, and lib/constructs/secret-rotation.ts transpiles it as is
 * into the function's inline code, so the function the tests run is the function that deploys.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

/** How a generated secret's value is made, at creation (PlatformSecret) and at every rotation alike. */
export const GENERATED_SECRET = { passwordLength: 64, excludePunctuation: true } as const;

/** The event Secrets Manager invokes a rotation function with, once per step. */
export interface RotationEvent {
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  readonly SecretId: string;
  /** The id of the version being rotated in (AWSPENDING until finishSecret). */
  readonly ClientRequestToken: string;
}

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';

/**
 * One rotation step. Every step may run again (Secrets Manager retries a failed rotation from the start), so each
 * does nothing when its work is already done.
 */
export async function rotate(client: SecretsManagerClient, event: RotationEvent): Promise<void> {
  const { SecretId, ClientRequestToken: token, Step } = event;
  const secret = await client.send(new DescribeSecretCommand({ SecretId }));
  if (!secret.RotationEnabled) throw new Error(`secret ${SecretId} is not enabled for rotation`);
  const stages = secret.VersionIdsToStages?.[token];
  if (!stages) throw new Error(`secret ${SecretId} has no version ${token} to rotate in`);
  if (stages.includes(CURRENT)) return;
  if (!stages.includes(PENDING)) throw new Error(`version ${token} of secret ${SecretId} is not ${PENDING}`);
  switch (Step) {
    case 'createSecret':
      return createSecret(client, SecretId, token);
    // The key is self-contained: no database or other system holds a copy to update (setSecret) or to log in to with
    // it (testSecret). The service reads whatever AWSCURRENT is, so there is nothing to set or test before finishing.
    case 'setSecret':
    case 'testSecret':
      return;
    case 'finishSecret':
      return finishSecret(client, SecretId, token, secret.VersionIdsToStages ?? {});
    default:
      throw new Error(`unknown rotation step ${String(Step)}`);
  }
}

/** A new random value as the pending version, unless an earlier attempt of this rotation already stored one. */
async function createSecret(client: SecretsManagerClient, SecretId: string, token: string): Promise<void> {
  try {
    await client.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: PENDING }));
    return;
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  const { RandomPassword } = await client.send(
    new GetRandomPasswordCommand({
      PasswordLength: GENERATED_SECRET.passwordLength,
      ExcludePunctuation: GENERATED_SECRET.excludePunctuation,
    }),
  );
  await client.send(
    new PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: RandomPassword, VersionStages: [PENDING] }),
  );
}

/** Moves AWSCURRENT to the new version; Secrets Manager labels the one it leaves AWSPREVIOUS. */
async function finishSecret(
  client: SecretsManagerClient,
  SecretId: string,
  token: string,
  versions: Record<string, string[]>,
): Promise<void> {
  const current = Object.keys(versions).find((version) => versions[version].includes(CURRENT));
  await client.send(
    new UpdateSecretVersionStageCommand({ SecretId, VersionStage: CURRENT, MoveToVersionId: token, RemoveFromVersionId: current }),
  );
}

/** The Lambda entry point: one client per container, in the function's own region. */
let client: SecretsManagerClient | undefined;
export async function handler(event: RotationEvent): Promise<void> {
  client ??= new SecretsManagerClient({});
  await rotate(client, event);
}
