import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { kmsBucketProps, logBucketProps } from '../private/secure-bucket';
import { USER_DATA_PREFIX } from './platform-identity';

export interface DataBucketProps {
  /** Customer-managed key for SSE-KMS (the platform data key). */
  readonly encryptionKey: kms.IKey;
  /** Keep both buckets when the stack is deleted; otherwise `cdk destroy` empties and deletes them. @default true */
  readonly retain?: boolean;
  /** How long server access logs are kept: audit evidence covers a year. @default Duration.days(365) */
  readonly accessLogRetention?: Duration;
  /** How long overwritten or deleted object versions stay recoverable. @default Duration.days(90) */
  readonly noncurrentVersionRetention?: Duration;
}

/**
 * The shared data bucket: SSE-KMS with the data key and a bucket key, all public access blocked, ACLs disabled,
 * TLS 1.2+ only, versioned, lifecycle-managed, with server access logs in a separate log bucket.
 * Nobody gets the whole bucket: services are granted `<service>/`; identity-pool users get `users/<identity id>/`.
 * Grants are made here, beside the bucket, so each policy names the bucket within one template.
 */
export class DataBucket extends Construct {
  readonly bucket: s3.Bucket;
  /** Receives the data bucket's server access logs; S3 log delivery supports only SSE-S3 here. */
  readonly accessLogBucket: s3.Bucket;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    this.encryptionKey = props.encryptionKey;
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', logBucketProps(retain, props.accessLogRetention));
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...kmsBucketProps(retain, props.encryptionKey, this.accessLogBucket, 'data/'),
      lifecycleRules: [
        {
          noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
  }

  /**
   * Lets a service read, write and list objects under `<service>/` only. Written by hand: `grantReadWrite(grantee,
   * pattern)` also grants s3:List* and s3:GetBucket* on the whole bucket (every other prefix's object names), delete
   * and tagging actions, and the data key without conditions.
   */
  grantServicePrefix(grantee: iam.IGrantable, service: string): void {
    const prefix = `${service}/`;
    const { region } = Stack.of(this);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${prefix}*`)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    });
    iam.Grant.addToPrincipal({
      grantee,
      // With a bucket key, S3 asks KMS for the bucket-level key with the bucket ARN as encryption context.
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `s3.${region}.amazonaws.com`,
          'kms:EncryptionContext:aws:s3:arn': this.bucket.bucketArn,
        },
      },
    });
  }

  /**
   * Lets signed-in identity-pool users read, write and delete objects under their own identity id only, with exact
   * actions: `grantReadWrite` would also allow listing the whole bucket (revealing every user's identity id),
   * `s3:DeleteObject*` includes deleting old versions, and `s3:Abort*` is not needed. A managed policy, so the grant
   * is a reviewable resource of its own; the data key only through S3 and only for this bucket.
   */
  grantIdentityPoolUsers(role: iam.IRole): iam.ManagedPolicy {
    const ownObjects = `${USER_DATA_PREFIX}*`;
    return new iam.ManagedPolicy(this, 'IdentityPoolUsers', {
      description: 'Signed-in users: objects under users/<their identity id>/ of the data bucket',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [this.bucket.arnForObjects(ownObjects)],
        }),
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [ownObjects] } },
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [this.encryptionKey.keyArn],
          conditions: {
            StringEquals: {
              'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com`,
              'kms:EncryptionContext:aws:s3:arn': this.bucket.bucketArn,
            },
          },
        }),
      ],
    });
  }
}
