import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { kmsBucketProps, logBucketProps } from '../private/secure-bucket';

export interface AuditBucketProps {
  /** Customer-managed key for SSE-KMS (the platform audit key). */
  readonly encryptionKey: kms.IKey;
  /** Keep the bucket (and its access logs) when the stack is deleted: it holds audit evidence. @default true */
  readonly retain?: boolean;
  /** How long log files (and the access logs of reading them) are kept before they expire. */
  readonly retention: Duration;
}

/**
 * Where AWS delivers audit evidence (the trail's log files, AWS Config's configuration history): SSE-KMS with the audit
 * key and a bucket key, every secure bucket default, and server access logs in a separate bucket, so reads of the
 * evidence are themselves recorded (CIS AWS Foundations 3.x: access logging on the CloudTrail bucket). Each delivering
 * construct adds its own bucket policy statements, conditioned on its source.
 */
export class AuditBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditBucketProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    const retention = props.retention;
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', logBucketProps(retain, retention));
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...kmsBucketProps(retain, props.encryptionKey, this.accessLogBucket, 'audit/'),
      lifecycleRules: [
        {
          expiration: retention,
          // A deleted or overwritten log file stays recoverable for three months: evidence tampering is not silent.
          noncurrentVersionExpiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }
}
