import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Every repository under a name prefix, as an IAM resource. Pseudo parameters rather than a stack's literal account
 * and region: the wildcard's finding id (and so its acknowledgement) is then the same in every account.
 */
export function repositoriesUnder(prefix: string): string {
  return `arn:${Aws.PARTITION}:ecr:${Aws.REGION}:${Aws.ACCOUNT_ID}:repository/${prefix}/*`;
}

export interface ServiceRepositoryProps {
  /** Repository name; the charts reference images as `<registry>/<name>@sha256:…`. */
  readonly repositoryName: string;
  /** Customer-managed key that encrypts the images (the platform data key). */
  readonly encryptionKey: kms.IKey;
  /** Keep the repository and its images when the stack is deleted; otherwise `cdk destroy` empties and deletes it. @default true */
  readonly retain?: boolean;
  /** Untagged images (superseded builds) are deleted after this long. @default Duration.days(14) */
  readonly untaggedImageRetention?: Duration;
  /** Tagged images kept; the oldest beyond this are deleted, so keep more than any rollback needs. @default 100 */
  readonly maxTaggedImages?: number;
  /**
   * The only principals that may push: the repository policy denies every other one, whatever its IAM policies allow
   * (an administrator changes the policy to push by hand). @default - no restriction beyond IAM
   */
  readonly pushRoles?: readonly iam.IRole[];
}

/** The ECR actions that write an image (deleting is left to lifecycle rules and the dev teardown). */
export const IMAGE_WRITE_ACTIONS: readonly string[] = [
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
];

/**
 * Denies the image-writing actions to every principal but `writers` on a repository. A condition, not a NotPrincipal:
 * ECR rejects a policy naming a principal that does not exist yet, and aws:PrincipalArn is the role's ARN for every
 * session of it.
 */
export function denyImageWritesExcept(repository: ecr.IRepository, sid: string, writers: readonly string[]): void {
  repository.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...IMAGE_WRITE_ACTIONS],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...writers] } },
    }),
  );
}

/**
 * One service's image repository: KMS-encrypted with the data key, scanned on push, immutable tags (a digest a
 * chart pins always names the same image), and a lifecycle that bounds its size.
 */
export class ServiceRepository extends Construct {
  readonly repository: ecr.Repository;
  /**
   * `<account>.dkr.ecr.<region>.<suffix>/<name>`, built from the repository's name. ECR's own `repositoryUri` splits
   * the ARN (Fn::Split), and a cross-stack reference inside Fn::Split is not a position CloudFormation confirms for
   * Fn::GetStackOutput; a reference to the name sits in Fn::Join, which it confirms.
   */
  readonly repositoryUri: string;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    this.repository = new ecr.Repository(this, 'Resource', {
      repositoryName: props.repositoryName,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: props.encryptionKey,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // CloudFormation cannot delete a repository that holds images: a dev teardown empties it first.
      emptyOnDelete: !retain,
      lifecycleRules: [
        { rulePriority: 1, tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: props.untaggedImageRetention ?? Duration.days(14) },
        { rulePriority: 2, tagStatus: ecr.TagStatus.ANY, maxImageCount: props.maxTaggedImages ?? 100 },
      ],
    });
    if (props.pushRoles && props.pushRoles.length > 0) {
      denyImageWritesExcept(
        this.repository,
        'PushOnlyFromDeployRoles',
        props.pushRoles.map((role) => role.roleArn),
      );
    }
    const { account, region, urlSuffix } = Stack.of(this);
    this.repositoryUri = `${account}.dkr.ecr.${region}.${urlSuffix}/${this.repository.repositoryName}`;
  }
}
