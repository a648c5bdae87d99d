import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MIN_AUDIT_RETENTION_DAYS } from '../config/validate-config';

/**
 * What every platform bucket shares: all public access blocked, ACLs disabled, TLS 1.2+ only, versioned. Retained
 * buckets survive `cdk destroy`; the others are emptied first (every object version), since CloudFormation cannot
 * delete a non-empty bucket and a dev teardown would otherwise stop there.
 */
export function secureBucketProps(retain: boolean): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    autoDeleteObjects: !retain,
  };
}

/**
 * A bucket that receives logs from an AWS delivery service (S3 server access logs, load-balancer access logs):
 * those services write only with SSE-S3 here, so the bucket is SSE-S3; logs expire after `retention` (by default the
 * year that audit evidence must cover).
 */
export function logBucketProps(retain: boolean, retention: Duration = Duration.days(MIN_AUDIT_RETENTION_DAYS)): s3.BucketProps {
  return {
    ...secureBucketProps(retain),
    encryption: s3.BucketEncryption.S3_MANAGED,
    lifecycleRules: [
      {
        expiration: retention,
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  };
}

/**
 * A bucket of platform data or evidence: encrypted with a platform key (with an S3 bucket key, so one KMS request
 * serves many objects), its server access logs written under `logPrefix` of `accessLogs`.
 */
export function kmsBucketProps(retain: boolean, encryptionKey: kms.IKey, accessLogs: s3.IBucket, logPrefix: string): s3.BucketProps {
  return {
    ...secureBucketProps(retain),
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: logPrefix,
  };
}
