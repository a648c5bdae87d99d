import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { topicAlarm } from '../private/topic-alarm';

/** Namespace of the metrics counted from the audit trail. */
export const AUDIT_METRIC_NAMESPACE = 'Platform/Audit';

/** A metric filter of the CIS AWS Foundations Benchmark (monitoring section) on CloudTrail events in CloudWatch Logs. */
export interface TrailFilter {
  readonly description: string;
  /** The benchmark's filter pattern, as it publishes it. */
  readonly pattern: string;
}

const anyEvent = (names: readonly string[]) => names.map((name) => `($.eventName = ${name})`).join(' || ');

/** The CIS AWS Foundations Benchmark (v1.5–v3.0, section 4) filters the platform alarms on, keyed by metric name. */
export const CIS_TRAIL_FILTERS = {
  UnauthorizedApiCalls: {
    description: 'CIS 4.1: API calls denied for lack of permission (probing, or a broken deployment)',
    pattern:
      '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ' +
      '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
  },
  RootAccountUse: {
    description: 'CIS 4.3: the root user acted',
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  IamPolicyChanges: {
    description: 'CIS 4.4: an IAM policy was created, changed, attached or detached',
    pattern: `{ ${anyEvent([
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    ])} }`,
  },
  TrailChanges: {
    description: 'CIS 4.5: a trail was created, changed, deleted, started or stopped',
    pattern: `{ ${anyEvent(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'])} }`,
  },
  ConsoleLoginFailures: {
    description: 'CIS 4.6: console sign-ins failed authentication',
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  },
  KmsKeyDisabledOrDeleted: {
    description: 'CIS 4.7: a customer-managed KMS key was disabled or scheduled for deletion',
    pattern: '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
  },
  SecurityGroupChanges: {
    description: 'CIS 4.10: a security group or one of its rules was created, changed or deleted',
    pattern: `{ ${anyEvent([
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
    ])} }`,
  },
  NetworkAclChanges: {
    description: 'CIS 4.11: a network ACL or one of its entries was created, changed or deleted',
    pattern: `{ ${anyEvent([
      'CreateNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAcl',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
    ])} }`,
  },
} as const satisfies Record<string, TrailFilter>;

export type TrailAlarmName = keyof typeof CIS_TRAIL_FILTERS;

/** Events per 5 minutes above which each alarm fires. The CIS benchmark alarms on the first event (0). */
export type TrailAlarmThresholds = Readonly<Partial<Record<TrailAlarmName, number>>>;

/**
 * Denied calls happen in normal use (the console probes optional permissions), so one is not an incident; every other
 * filter alarms on the first matching event, as the benchmark asks.
 */
export const DEFAULT_TRAIL_ALARM_THRESHOLDS: Readonly<Record<TrailAlarmName, number>> = {
  UnauthorizedApiCalls: 5,
  RootAccountUse: 0,
  IamPolicyChanges: 0,
  TrailChanges: 0,
  ConsoleLoginFailures: 2,
  KmsKeyDisabledOrDeleted: 0,
  SecurityGroupChanges: 0,
  NetworkAclChanges: 0,
};

export interface TrailAlarmsProps {
  /** The log group CloudTrail delivers to (this account's trail, or the organization trail's group in this account). */
  readonly logGroup: logs.ILogGroup;
  readonly alarmTopic: sns.ITopic;
  /** @default DEFAULT_TRAIL_ALARM_THRESHOLDS */
  readonly thresholds?: TrailAlarmThresholds;
}

/** The CIS metric filters on the trail's log group, each with an alarm to the alarm topic. */
export class TrailAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: TrailAlarmsProps) {
    super(scope, id);
    for (const [name, filter] of Object.entries(CIS_TRAIL_FILTERS) as [TrailAlarmName, TrailFilter][]) {
      const metricFilter = new logs.MetricFilter(this, name, {
        logGroup: props.logGroup,
        filterPattern: logs.FilterPattern.literal(filter.pattern),
        metricNamespace: AUDIT_METRIC_NAMESPACE,
        metricName: name,
        metricValue: '1',
      });
      const alarm = topicAlarm(this, `${name}Alarm`, {
        metric: metricFilter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: props.thresholds?.[name] ?? DEFAULT_TRAIL_ALARM_THRESHOLDS[name],
        description: filter.description,
        topic: props.alarmTopic,
      });
      this.alarms.push(alarm);
    }
  }
}
