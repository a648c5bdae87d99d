import { Match, Template } from 'aws-cdk-lib/assertions';
import { ACCESS_LOG } from '../../lib/catalogue/service-contract';
import { CONTAINER_INSIGHTS_NAMESPACE, SERVICE_METRIC_NAMESPACE } from '../../lib/constructs/service-monitoring';
import { createJsonLogger } from '../../services/shared/src/log';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { detectionStack, platformTemplate } from './detection-fixture';

const ALARM_TOPIC = { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AlarmTopic') }) };

describe('alarms on what runs', () => {
  let detection: Template;
  beforeAll(() => {
    detection = platformTemplate('prod', 'detection');
  });

  test('the access-log metric filters read the application log group, with the service as dimension', () => {
    const filters = Object.values(detection.findResources('AWS::Logs::MetricFilter')).filter(
      (f) => f.Properties.MetricTransformations[0].MetricNamespace === SERVICE_METRIC_NAMESPACE,
    );
    expect(filters.map((f) => f.Properties.MetricTransformations[0].MetricName).sort()).toEqual([
      'AuthFailures',
      'Latency',
      'Requests',
      'ServerErrors',
    ]);
    for (const f of filters) {
      expect(JSON.stringify(f.Properties.LogGroupName)).toContain('ContainerInsightsapplication');
      expect(f.Properties.MetricTransformations[0].Dimensions).toEqual([{ Key: 'Service', Value: '$.log_processed.service' }]);
    }
  });

  test.each(REFERENCE_CATALOGUE.services.map((s) => [s.name, s.namespace]))(
    '%s: each service alarms on its 5xx rate, p99 latency, 401/403 surges, restarts and OOM kills',
    (service, namespace) => {
      const dimensions = [{ Name: 'Service', Value: service }];
      detection.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 0.05,
        AlarmActions: [ALARM_TOPIC],
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'FILL(errors, 0) / requests' }),
          Match.objectLike({
            Id: 'errors',
            MetricStat: Match.objectLike({
              Metric: { Namespace: SERVICE_METRIC_NAMESPACE, MetricName: 'ServerErrors', Dimensions: dimensions },
            }),
          }),
        ]),
      });
      detection.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: SERVICE_METRIC_NAMESPACE,
        MetricName: 'Latency',
        Dimensions: dimensions,
        ExtendedStatistic: 'p99',
        Threshold: 1000,
        AlarmActions: [ALARM_TOPIC],
      });
      detection.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: SERVICE_METRIC_NAMESPACE,
        MetricName: 'AuthFailures',
        Dimensions: dimensions,
        Statistic: 'Sum',
        Threshold: 50,
        AlarmActions: [ALARM_TOPIC],
      });
      const pod = [
        { Name: 'ClusterName', Value: 'prod-platform' },
        { Name: 'Namespace', Value: namespace },
        { Name: 'PodName', Value: service },
      ];
      for (const metric of ['pod_number_of_container_restarts', 'pod_container_status_terminated_reason_oom_killed'])
        detection.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: CONTAINER_INSIGHTS_NAMESPACE,
          MetricName: metric,
          Dimensions: pod,
          AlarmActions: [ALARM_TOPIC],
        });
    },
  );

  test('the cluster alarms on pods stuck Pending, failed nodes and node pressure', () => {
    const cluster = [{ Name: 'ClusterName', Value: 'prod-platform' }];
    detection.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'pod_status_pending',
      Dimensions: cluster,
      EvaluationPeriods: 3,
    });
    for (const metric of ['cluster_failed_node_count', ...['memory', 'disk', 'pid'].map((k) => `node_status_condition_${k}_pressure`)])
      detection.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: CONTAINER_INSIGHTS_NAMESPACE,
        MetricName: metric,
        Dimensions: cluster,
        Threshold: 0,
      });
  });

  test('a per-service dashboard: a row for each service and one for the cluster', () => {
    const body = JSON.stringify(Object.values(detection.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const { name } of REFERENCE_CATALOGUE.services) expect(body).toContain(`${name}: p99 latency (ms)`);
    expect(body).toContain('Cluster: node pressure');
  });
});

test('the filters name fields the services write, where the log shipper puts the parsed line', () => {
  const lines: string[] = [];
  createJsonLogger('orders', (line) => lines.push(line)).info(ACCESS_LOG.message, { requestId: 'r1', status: 503, durationMs: 12.5 });
  // What the CloudWatch observability add-on's Fluent Bit sends: the raw line, and the parsed one under log_processed.
  const event = { log: lines[0], log_processed: JSON.parse(lines[0]), kubernetes: { namespace_name: 'orders' } };
  const { template } = detectionStack();
  const patterns = Object.values(template.findResources('AWS::Logs::MetricFilter'))
    .filter((f) => f.Properties.MetricTransformations[0].MetricNamespace === SERVICE_METRIC_NAMESPACE)
    .map((f) => [
      f.Properties.FilterPattern,
      f.Properties.MetricTransformations[0].MetricValue,
      f.Properties.MetricTransformations[0].Dimensions[0].Value,
    ]);
  const paths = patterns.flatMap((p) => p.join(' ').match(/\$\.[\w.]+/g) ?? []);
  expect(paths.length).toBeGreaterThan(8);
  for (const path of new Set(paths)) {
    const value = path
      .split('.')
      .slice(1)
      .reduce<any>((at, key) => at?.[key], event);
    expect([path, value]).toEqual([path, expect.anything()]);
  }
  expect(event.log_processed.msg).toBe(ACCESS_LOG.message);
});

test('thresholds come from configuration', () => {
  const { template } = detectionStack({ serviceAlarms: { latencyP99Ms: 250, authFailures: 10, pendingPodMinutes: 30 } });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', Threshold: 250 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AuthFailures', Threshold: 10 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'pod_status_pending', EvaluationPeriods: 6 });
});
