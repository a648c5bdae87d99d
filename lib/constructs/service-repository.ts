import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface ServiceRepositoryProps {
  /** Repository name; the charts reference images as `<registry>/<name>@sha256:…`. */
  readonly repositoryName: string;
  /** Customer-managed key that encrypts the images (the platform data key). */
  readonly encryptionKey: kms.IKey;
  /** Keep the repository and its images when the stack is deleted. @default true */
  readonly retain?: boolean;
  /** Untagged images (superseded builds) are deleted after this long. @default Duration.days(14) */
  readonly untaggedImageRetention?: Duration;
  /** Tagged images kept; the oldest beyond this are deleted, so keep more than any rollback needs. @default 100 */
  readonly maxTaggedImages?: number;
}

/**
 * One service's image repository: KMS-encrypted with the data key, scanned on push, immutable tags (a digest a
 * chart pins always names the same image), and a lifecycle that bounds its size.
 */
export class ServiceRepository extends Construct {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    this.repository = new ecr.Repository(this, 'Resource', {
      repositoryName: props.repositoryName,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: props.encryptionKey,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      removalPolicy: (props.retain ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      lifecycleRules: [
        { rulePriority: 1, tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: props.untaggedImageRetention ?? Duration.days(14) },
        { rulePriority: 2, tagStatus: ecr.TagStatus.ANY, maxImageCount: props.maxTaggedImages ?? 100 },
      ],
    });
  }
}
