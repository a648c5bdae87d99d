import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { createPlatformKey } from '../private/platform-key';

/** The service principal of EventBridge, which publishes rule matches to the alarm topic. */
export const EVENTS_PRINCIPAL = 'events.amazonaws.com';

export interface CentralLoggingProps {
  /** Retention applied to every log group this construct creates. */
  readonly retention: logs.RetentionDays;
  /** Keep the logs key and log groups when the stack is deleted (audit evidence). @default true */
  readonly retain?: boolean;
  /** E-mail subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

export interface PlatformLogGroupProps {
  /** Explicit name, for services that require one (`aws-waf-logs-…`, `/aws/eks/<cluster>/cluster`). @default - generated */
  readonly logGroupName?: string;
  /**
   * Where the log group is created. Pass the caller's own construct when the name refers to a resource of the caller's
   * stack (e.g. `API-Gateway-Execution-Logs_<rest api id>/<stage>`): in the logging stack that would be a dependency
   * cycle. It still gets the logs key (a cross-stack reference) and the platform retention.
   * @default - inside central logging, in the logging stack
   */
  readonly scope?: Construct;
}

/** What other stacks receive to log and alarm consistently. */
export interface ILogDestinations {
  readonly encryptionKey: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly dashboard: cloudwatch.Dashboard;
  /** What deleting a stack does to its platform log groups: RETAIN when data is kept, else DESTROY. */
  readonly logGroupRemovalPolicy: RemovalPolicy;
  /** Creates a log group that is always KMS-encrypted with the platform retention. */
  createLogGroup(id: string, props?: PlatformLogGroupProps): logs.LogGroup;
}

/**
 * Central logging: the logs key, every platform log group (always KMS-encrypted, always with retention, all in
 * this construct so each references its key within one template), an encrypted SSL-only alarm topic, and the
 * dashboard other stacks add widgets to.
 */
export class CentralLogging extends Construct implements ILogDestinations {
  readonly encryptionKey: kms.Key;
  readonly alarmTopic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly logGroupRemovalPolicy: RemovalPolicy;
  private readonly logGroups: Construct;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: CentralLoggingProps,
  ) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);
    this.encryptionKey = createPlatformKey(this, 'Key', 'logs', props.retain ?? true);
    this.logGroupRemovalPolicy = (props.retain ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // CloudWatch Logs encrypts with the key itself; the encryption context pins use to this account's log groups.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` } },
      }),
    );
    // CloudWatch alarms publish to the encrypted alarm topic, only on behalf of this account.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    // EventBridge rules of this account (security findings, health events) publish to it too. Without a condition:
    // KMS does not support aws:SourceAccount or aws:SourceArn for EventBridge-to-encrypted-topic delivery (SNS
    // developer guide, key management), and such a condition fails every delivery; the topic policy admits only
    // this account's rules.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeRulesToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal(EVENTS_PRINCIPAL)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Platform alarms',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one: every service that publishes must be named, or its publish is refused.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` } },
      }),
    );
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeRulesOfThisAccount',
        principals: [new iam.ServicePrincipal(EVENTS_PRINCIPAL)],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${partition}:events:${region}:${account}:rule/*` } },
      }),
    );
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    this.logGroups = new Construct(this, 'LogGroups');
  }

  createLogGroup(id: string, props: PlatformLogGroupProps = {}): logs.LogGroup {
    return new logs.LogGroup(props.scope ?? this.logGroups, id, {
      logGroupName: props.logGroupName,
      encryptionKey: this.encryptionKey,
      retention: this.props.retention,
      removalPolicy: this.logGroupRemovalPolicy,
    });
  }
}
