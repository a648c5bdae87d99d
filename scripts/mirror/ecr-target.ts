import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { MirrorError } from './mirror-error';
import { Fetch, OciRegistry } from './oci-registry';

/** The account's private registry, signed in with an ECR authorization token (basic auth, valid 12 hours). */
export async function ecrRegistry(ecr: ECRClient, host: string, fetch: Fetch): Promise<OciRegistry> {
  const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
  const token = authorizationData?.[0]?.authorizationToken;
  if (!token) throw new MirrorError(`ECR gave no authorization token for ${host}`);
  return new OciRegistry(host, fetch, token);
}

/**
 * Creates a mirror repository unless it exists: immutable tags (a mirrored version can never be replaced under the
 * same tag), scanned on push, encrypted with KMS (the AWS-managed ECR key).
 */
export async function ensureRepository(ecr: ECRClient, repositoryName: string): Promise<void> {
  try {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS' },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'RepositoryAlreadyExistsException') throw error;
  }
}
