import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createPlatformKey } from '../private/platform-key';
import { ServiceLinkedRole } from './service-linked-role';

export interface PlatformKeysProps {
  /** Keep the keys when the stack is deleted; anything they encrypted is unreadable without them. @default true */
  readonly retain?: boolean;
  /** Where the function that makes sure the Auto Scaling service-linked role exists logs (an encrypted platform log group). */
  readonly serviceLinkedRoleLogGroup: logs.ILogGroup;
}

/**
 * Customer-managed KMS keys separated by purpose, so a grant on one kind of data never opens another.
 * The logs key lives with CentralLogging, beside the log groups it encrypts.
 */
export class PlatformKeys extends Construct {
  /** Application data: DynamoDB tables, the data bucket, secrets. */
  readonly data: kms.Key;
  /** EKS envelope encryption of Kubernetes secrets. */
  readonly clusterSecrets: kms.Key;
  /** EBS volumes of cluster nodes. */
  readonly blockStorage: kms.Key;
  /** Event queues: Karpenter's interruption queue, which EventBridge writes to. */
  readonly events: kms.Key;
  /** The audit trail's log files and the configuration history (AuditTrail adds CloudTrail's statements). */
  readonly audit: kms.Key;

  constructor(scope: Construct, id: string, props: PlatformKeysProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    const { region, account } = Stack.of(this);
    this.data = createPlatformKey(this, 'DataKey', 'data', retain);
    this.clusterSecrets = createPlatformKey(this, 'ClusterSecretsKey', 'cluster secrets', retain);
    this.blockStorage = createPlatformKey(this, 'BlockStorageKey', 'block storage', retain);
    this.events = createPlatformKey(this, 'EventsKey', 'event queue', retain);
    this.audit = createPlatformKey(this, 'AuditKey', 'audit trail', retain);

    // Managed node groups launch instances through the Auto Scaling service-linked role, which must create
    // encrypted volumes; it may use the key only through EC2, and grant it only to AWS resources. AWS creates that
    // role with the account's first Auto Scaling group, after this key: it is made to exist first.
    const autoScalingRole = new ServiceLinkedRole(this, 'AutoScalingServiceLinkedRole', {
      awsServiceName: 'autoscaling.amazonaws.com',
      roleName: 'AWSServiceRoleForAutoScaling',
      logGroup: props.serviceLinkedRoleLogGroup,
    });
    this.blockStorage.node.addDependency(autoScalingRole);
    const autoScaling = new iam.ArnPrincipal(autoScalingRole.roleArn);
    this.blockStorage.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingToUseKeyForEbs',
        principals: [autoScaling],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `ec2.${region}.amazonaws.com`, 'kms:CallerAccount': account } },
      }),
    );
    this.blockStorage.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingToGrantKeyToEbs',
        principals: [autoScaling],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }
}
