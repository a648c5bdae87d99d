import { Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** CloudTrail's service principal: the key, bucket and role statements name it with the trail as source. */
export const CLOUDTRAIL_PRINCIPAL = 'cloudtrail.amazonaws.com';

export interface AuditTrailProps {
  /** Literal trail name: the key and bucket policies name the trail's ARN, which must not depend on the trail itself. */
  readonly trailName: string;
  /** Encrypts the log files; the trail adds CloudTrail's documented statements to its policy. */
  readonly encryptionKey: kms.IKey;
  /** Receives the log files (an AuditBucket); the trail adds CloudTrail's statements to its policy and waits for it. */
  readonly bucket: s3.Bucket;
  /** Receives every event as well, for metric filters and alarms (KMS-encrypted, retained: a platform log group). */
  readonly logGroup: logs.ILogGroup;
  /** Buckets whose object-level reads and writes are recorded (data events, charged per event). @default - none */
  readonly dataEventBuckets?: readonly s3.IBucket[];
  /** Tables whose item-level reads and writes are recorded (data events, charged per event). @default - none */
  readonly dataEventTables?: readonly dynamodb.ITable[];
}

/**
 * A multi-region CloudTrail trail of every management event (global services included), with log-file validation
 * (signed digest files, so altered or deleted log files are detectable), SSE-KMS with the given key, delivered to the
 * audit bucket and to a CloudWatch Logs group. Every statement granted to CloudTrail (key, bucket, logs role) is
 * conditioned on this trail's ARN (`aws:SourceArn`), as CloudTrail documents, so no other trail can use them.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.CfnTrail;
  /** The trail's ARN, built from its literal name. */
  readonly trailArn: string;
  /** Delivers events to the log group. */
  readonly logsRole: iam.Role;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    this.trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${props.trailName}`;
    const fromThisTrail = { 'aws:SourceArn': this.trailArn };
    const cloudTrail = new iam.ServicePrincipal(CLOUDTRAIL_PRINCIPAL);
    const anyTrailOfThisAccount = `arn:${partition}:cloudtrail:*:${account}:trail/*`;

    // The key policy CloudTrail documents: encrypt for this trail only, describe the key, and let principals of this
    // account (with IAM permission) decrypt the log files; log files carry the trail ARN as encryption context.
    const key = props.encryptionKey;
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogs',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: fromThisTrail,
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': anyTrailOfThisAccount },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: fromThisTrail },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAccountPrincipalsToDecryptLogFiles',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': account },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': anyTrailOfThisAccount },
        },
      }),
    );

    const bucket = props.bucket;
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailAclCheck',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: fromThisTrail },
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${account}/*`)],
        conditions: { StringEquals: { ...fromThisTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );

    this.logsRole = new iam.Role(this, 'LogsRole', {
      assumedBy: cloudTrail.withConditions({ StringEquals: fromThisTrail }),
      description: 'CloudTrail delivers the audit trail to its CloudWatch Logs group',
    });
    this.logsRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [props.logGroup.logGroupArn],
      }),
    );

    this.trail = new cloudtrail.CfnTrail(this, 'Resource', {
      trailName: props.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: key.keyArn,
      s3BucketName: bucket.bucketName,
      cloudWatchLogsLogGroupArn: props.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: this.logsRole.roleArn,
      advancedEventSelectors: [
        { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
        ...(props.dataEventBuckets?.length
          ? [
              dataEvents('Data bucket objects', 'AWS::S3::Object', {
                field: 'resources.ARN',
                startsWith: props.dataEventBuckets.map((b) => b.arnForObjects('')),
              }),
            ]
          : []),
        ...(props.dataEventTables?.length
          ? [
              dataEvents('Service table items', 'AWS::DynamoDB::Table', {
                field: 'resources.ARN',
                equalTo: props.dataEventTables.map((t) => t.tableArn),
              }),
            ]
          : []),
      ],
    });
    // CloudTrail checks its bucket and role when the trail is created: both must exist with their policies first.
    this.trail.node.addDependency(bucket.policy!, this.logsRole);
  }
}

function dataEvents(
  name: string,
  resourceType: string,
  resources: cloudtrail.CfnTrail.AdvancedFieldSelectorProperty,
): cloudtrail.CfnTrail.AdvancedEventSelectorProperty {
  return {
    name,
    fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: [resourceType] }, resources],
  };
}
