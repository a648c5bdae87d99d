import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { topicAlarm } from '../private/topic-alarm';
import { ACCESS_LOG } from '../catalogue/service-contract';

/** Namespace of the metrics counted from the services' access logs. */
export const SERVICE_METRIC_NAMESPACE = 'Platform/Services';
/** Namespace Container Insights (the CloudWatch observability add-on) publishes in. */
export const CONTAINER_INSIGHTS_NAMESPACE = 'ContainerInsights';

/**
 * Where the CloudWatch observability add-on's Fluent Bit puts a container's JSON line: its kubernetes filter runs with
 * `Merge_Log On` and `Merge_Log_Key log_processed`, so the parsed line sits under that key beside `log` and `kubernetes`.
 */
const PARSED_LINE = '$.log_processed';
const field = (name: string) => `${PARSED_LINE}.${name}`;
const ACCESS_LINE = `${field('msg')} = "${ACCESS_LOG.message}"`;

export interface ServiceAlarmThresholds {
  /** Share of a service's requests answered 5xx over 5 minutes (0–1). @default 0.05 */
  readonly serverErrorRate?: number;
  /** p99 of a service's request duration over 5 minutes, in milliseconds. @default 1000 */
  readonly latencyP99Ms?: number;
  /** Requests a service answers 401 or 403 per 5 minutes: a surge suggests stolen, forged or replayed tokens. @default 50 */
  readonly authFailures?: number;
  /** Container restarts of a service's pods within 5 minutes. @default 3 */
  readonly containerRestarts?: number;
  /** Minutes a pod may stay Pending (unschedulable: no node fits it) before the alarm fires; a multiple of 5. @default 15 */
  readonly pendingPodMinutes?: number;
}

/** A workload the platform runs: its catalogue name (the access log's `service` and the Deployment name) and namespace. */
export interface MonitoredService {
  readonly name: string;
  readonly namespace: string;
}

export interface ServiceMonitoringProps {
  readonly clusterName: string;
  readonly services: readonly MonitoredService[];
  /** Container Insights' application log group (`/aws/containerinsights/<cluster>/application`): the services' stdout. */
  readonly applicationLogGroup: logs.ILogGroup;
  readonly alarmTopic: sns.ITopic;
  /** @default - see ServiceAlarmThresholds */
  readonly thresholds?: ServiceAlarmThresholds;
}

/**
 * Alarms on what runs, and a dashboard with a row per service: from the JSON access logs (5xx rate, p99 latency,
 * 401/403 surges), counted by metric filters with the service as dimension; from Container Insights (container
 * restarts and OOM kills per service, pods stuck Pending, failed nodes, nodes under memory, disk or PID pressure).
 */
export class ServiceMonitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const t = props.thresholds ?? {};
    const period = Duration.minutes(5);
    const filter = (metricName: string, pattern: string, metricValue = '1', unit?: cloudwatch.Unit) =>
      new logs.MetricFilter(this, metricName, {
        logGroup: props.applicationLogGroup,
        filterPattern: logs.FilterPattern.literal(`{ ${ACCESS_LINE} && ${pattern} }`),
        metricNamespace: SERVICE_METRIC_NAMESPACE,
        metricName,
        metricValue,
        unit,
        dimensions: { Service: field(ACCESS_LOG.fields.service) },
      });
    const status = field(ACCESS_LOG.fields.status);
    const duration = field(ACCESS_LOG.fields.durationMs);
    const filters = {
      requests: filter('Requests', `${status} = *`),
      serverErrors: filter('ServerErrors', `${status} >= 500`),
      authFailures: filter('AuthFailures', `(${status} = 401 || ${status} = 403)`),
      latency: filter('Latency', `${duration} >= 0`, duration, cloudwatch.Unit.MILLISECONDS),
    };
    const alarm = (
      scope: Construct,
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      evaluationPeriods = 1,
    ) => {
      const created = topicAlarm(scope, name, { metric, threshold, description, topic: props.alarmTopic, evaluationPeriods });
      this.alarms.push(created);
      return created;
    };
    // Alarms take metrics without labels (a label turns the alarm into a metric query); the dashboard adds them.
    const labelled = (label: string, metric: cloudwatch.Metric) => metric.with({ label });
    const insights = (metricName: string, dimensionsMap: Record<string, string>) =>
      new cloudwatch.Metric({ namespace: CONTAINER_INSIGHTS_NAMESPACE, metricName, dimensionsMap, statistic: 'Maximum', period });
    const cluster = { ClusterName: props.clusterName };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    for (const service of props.services) {
      const scope = new Construct(this, service.name);
      const dimensionsMap = { Service: service.name };
      const of = (f: logs.MetricFilter, statistic: string) => f.metric({ dimensionsMap, statistic, period });
      const requests = of(filters.requests, 'Sum');
      const serverErrors = of(filters.serverErrors, 'Sum');
      const errorRate = new cloudwatch.MathExpression({
        expression: 'FILL(errors, 0) / requests',
        usingMetrics: { errors: serverErrors, requests },
        period,
        label: '5xx rate',
      });
      const latency = of(filters.latency, 'p99');
      const authFailures = of(filters.authFailures, 'Sum');
      const pod = { ...cluster, Namespace: service.namespace, PodName: service.name };
      const restarts = insights('pod_number_of_container_restarts', pod);
      const oomKilled = insights('pod_container_status_terminated_reason_oom_killed', pod);
      alarm(scope, 'ServerErrorRate', errorRate, t.serverErrorRate ?? 0.05, `${service.name}: share of requests answered 5xx`);
      alarm(scope, 'LatencyP99', latency, t.latencyP99Ms ?? 1000, `${service.name}: p99 request duration above target`);
      alarm(
        scope,
        'AuthFailures',
        authFailures,
        t.authFailures ?? 50,
        `${service.name}: surge of 401/403 answers (stolen, forged or replayed tokens?)`,
      );
      alarm(
        scope,
        'ContainerRestarts',
        restarts,
        t.containerRestarts ?? 3,
        `${service.name}: containers restarting (crash loop, failed probes)`,
      );
      alarm(scope, 'OomKilled', oomKilled, 0, `${service.name}: a container was killed for exceeding its memory limit`);
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${service.name}: requests and 5xx`,
          left: [labelled('requests', requests), labelled('5xx', serverErrors)],
          right: [errorRate],
          width: 6,
        }),
        new cloudwatch.GraphWidget({ title: `${service.name}: p99 latency (ms)`, left: [labelled('p99 ms', latency)], width: 6 }),
        new cloudwatch.GraphWidget({ title: `${service.name}: 401/403`, left: [labelled('401/403', authFailures)], width: 6 }),
        new cloudwatch.GraphWidget({
          title: `${service.name}: restarts and OOM kills`,
          left: [labelled('container restarts', restarts), labelled('OOM killed', oomKilled)],
          width: 6,
        }),
      );
    }

    const pendingPeriods = Math.max(1, Math.round((t.pendingPodMinutes ?? 15) / 5));
    const pending = insights('pod_status_pending', cluster);
    const failedNodes = insights('cluster_failed_node_count', cluster);
    alarm(this, 'PendingPods', pending, 0, 'Pods stuck Pending: no node can schedule them (capacity, affinity or quota)', pendingPeriods);
    alarm(this, 'FailedNodes', failedNodes, 0, 'Worker nodes failed');
    const pressure = (['Memory', 'Disk', 'Pid'] as const).map((kind) => {
      const condition = `${kind.toLowerCase()} pressure`;
      const metric = insights(`node_status_condition_${kind.toLowerCase()}_pressure`, cluster);
      alarm(this, `Node${kind}Pressure`, metric, 0, `A node reports ${condition}: the kubelet evicts pods`);
      return labelled(condition, metric);
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Cluster: pending pods and failed nodes',
        left: [labelled('pending pods', pending), labelled('failed nodes', failedNodes)],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Cluster: node pressure', left: pressure, width: 12 }),
    );
  }
}
