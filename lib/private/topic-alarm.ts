import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface TopicAlarmProps {
  readonly metric: cloudwatch.IMetric;
  /** The alarm fires when the metric is above this. */
  readonly threshold: number;
  readonly description: string;
  /** Where the alarm notifies: the platform's alarm topic. */
  readonly topic: sns.ITopic;
  /** @default 1 */
  readonly evaluationPeriods?: number;
}

/**
 * The platform's alarm shape: above the threshold for the evaluation periods, missing data not breaching (a quiet
 * period is not an incident), notifying the alarm topic.
 */
export function topicAlarm(scope: Construct, id: string, props: TopicAlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: props.metric,
    threshold: props.threshold,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
  alarm.addAlarmAction(new actions.SnsAction(props.topic));
  return alarm;
}
