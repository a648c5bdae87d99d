import { Aws, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** How often AWS Config records a changed resource: on every change, or its state once a day. */
export type ConfigRecordingFrequency = 'CONTINUOUS' | 'DAILY';

export interface ConfigRecorderProps {
  /** Receives the configuration history and snapshots, under `config/` (an AuditBucket). */
  readonly bucket: s3.IBucket;
  /** Encrypts what AWS Config delivers (the bucket's key). */
  readonly encryptionKey: kms.IKey;
  /** @default 'CONTINUOUS' - every change is recorded as it happens */
  readonly recordingFrequency?: ConfigRecordingFrequency;
}

/** The bucket prefix AWS Config delivers under. */
const CONFIG_PREFIX = 'config';

/**
 * The AWS Config recorder of the account and region (every supported resource type, global ones included) and its
 * delivery channel to the audit bucket, SSE-KMS with the audit key. Security Hub's controls evaluate through AWS
 * Config rules, so a hub without a recorder reports almost nothing. A region has one recorder: where a landing zone
 * (for example Control Tower) already records, do not deploy this construct.
 */
export class ConfigRecorder extends Construct {
  readonly recorder: config.CfnConfigurationRecorder;
  readonly deliveryChannel: config.CfnDeliveryChannel;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': account } }),
      description: 'AWS Config reads resource configurations and delivers them to the audit bucket',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    // Delivery with this role (same account): only its own prefix, and the key only through S3.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketAcl'], resources: [props.bucket.bucketArn] }));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        // The account as a pseudo parameter: the path AWS Config writes is the same whatever account deploys it.
        resources: [props.bucket.arnForObjects(`${CONFIG_PREFIX}/AWSLogs/${Aws.ACCOUNT_ID}/Config/*`)],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );

    this.recorder = new config.CfnConfigurationRecorder(this, 'Resource', {
      roleArn: this.role.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      recordingMode: { recordingFrequency: props.recordingFrequency ?? 'CONTINUOUS' },
    });
    this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: props.bucket.bucketName,
      s3KeyPrefix: CONFIG_PREFIX,
      s3KmsKeyArn: props.encryptionKey.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    // AWS Config accepts a delivery channel only once a recorder exists, and the recorder's role must hold its policy.
    this.deliveryChannel.node.addDependency(this.recorder);
    this.recorder.node.addDependency(this.role);
  }
}
