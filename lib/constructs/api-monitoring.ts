import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { topicAlarm } from '../private/topic-alarm';
import { ApiFirewall } from './api-firewall';

/** Namespace of metrics the platform derives from its own logs. */
export const PLATFORM_METRIC_NAMESPACE = 'Platform/Api';

export interface ApiAlarmThresholds {
  /** Share of requests answered 4XX (0–1); a spike means broken clients or probing. @default 0.25 */
  readonly clientErrorRate?: number;
  /** Share of requests answered 5XX (0–1). @default 0.01 */
  readonly serverErrorRate?: number;
  /** p99 latency in milliseconds. @default 2000 */
  readonly latencyP99Ms?: number;
  /** Requests answered 429 per 5 minutes. @default 50 */
  readonly throttledRequests?: number;
  /** Requests WAF blocked per 5 minutes. @default 100 */
  readonly wafBlockedRequests?: number;
}

export interface ApiMonitoringProps {
  /** Literal name of the REST API, as its metrics are published. */
  readonly restApiName: string;
  /** Literal stage name. */
  readonly stageName: string;
  readonly firewall: ApiFirewall;
  /** The stage's JSON access-log group; throttled requests (429) are counted from it. */
  readonly accessLogGroup: logs.ILogGroup;
  readonly alarmTopic: sns.ITopic;
  /** The central dashboard; its widgets use literal names only, so it needs no reference back to this stack. */
  readonly dashboard: cloudwatch.Dashboard;
  /** @default - see ApiAlarmThresholds */
  readonly thresholds?: ApiAlarmThresholds;
}

/** Alarms into the central topic and a row on the central dashboard: error rates, p99 latency, throttling, WAF blocks. */
export class ApiMonitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ApiMonitoringProps) {
    super(scope, id);
    const t = props.thresholds ?? {};
    const period = Duration.minutes(5);
    // Built from literal names: Stage.metric… uses the stage's Ref, which would make central logging depend on this stack.
    const stageMetric = (metricName: string, options: cloudwatch.MetricOptions) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiName: props.restApiName, Stage: props.stageName },
        period,
        ...options,
      });
    // 4XXError and 5XXError are 0 or 1 per request, so their average is the error rate.
    const clientErrors = stageMetric('4XXError', { statistic: 'Average', label: '4XX rate' });
    const serverErrors = stageMetric('5XXError', { statistic: 'Average', label: '5XX rate' });
    const latency = stageMetric('Latency', { statistic: 'p99', label: 'Latency p99' });
    const throttledFilter = new logs.MetricFilter(this, 'ThrottledFilter', {
      logGroup: props.accessLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: PLATFORM_METRIC_NAMESPACE,
      metricName: 'ThrottledRequests',
      metricValue: '1',
    });
    const throttled = throttledFilter.metric({ statistic: 'Sum', period, label: 'Throttled (429)' });
    const blocked = props.firewall.metricBlockedRequests('ALL', { period, label: 'WAF blocked' });

    const alarm = (name: string, metric: cloudwatch.Metric, threshold: number, description: string) => {
      this.alarms.push(topicAlarm(this, name, { metric, threshold, description, topic: props.alarmTopic }));
    };
    alarm(
      'ClientErrorRate',
      clientErrors,
      t.clientErrorRate ?? 0.25,
      'Many requests rejected with 4XX: broken clients, expired tokens or probing',
    );
    alarm('ServerErrorRate', serverErrors, t.serverErrorRate ?? 0.01, 'Requests failing with 5XX: ingress or services unhealthy');
    alarm('LatencyP99', latency, t.latencyP99Ms ?? 2000, 'p99 latency above target');
    alarm('Throttled', throttled, t.throttledRequests ?? 50, 'Requests throttled (429) by stage or method limits');
    alarm('WafBlocked', blocked, t.wafBlockedRequests ?? 100, 'WAF blocking many requests: attack or a misconfigured rule');

    props.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API error rates', left: [clientErrors, serverErrors], width: 6 }),
      new cloudwatch.GraphWidget({ title: 'API latency p99 (ms)', left: [latency], width: 6 }),
      new cloudwatch.GraphWidget({ title: 'API throttled requests', left: [throttled], width: 6 }),
      new cloudwatch.GraphWidget({ title: 'WAF blocked requests', left: [blocked], width: 6 }),
    );
  }
}
