import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildEdge } from './edge-fixture';

let edge: Template;
let logging: Template;
beforeAll(() => {
  const fixture = buildEdge();
  edge = Template.fromStack(fixture.edge);
  logging = Template.fromStack(fixture.logging);
});

/** Alarms with their single metric flattened (a labelled metric is rendered as a one-entry `Metrics` list). */
const alarms = () =>
  Object.values(edge.findResources('AWS::CloudWatch::Alarm')).map(({ Properties: p }) => {
    const stat = p.Metrics?.[0].MetricStat;
    return stat ? { ...p, ...stat.Metric, Statistic: stat.Stat } : p;
  });

test.each([
  ['AWS/ApiGateway', '4XXError', 'Average', 0.25],
  ['AWS/ApiGateway', '5XXError', 'Average', 0.01],
  ['AWS/ApiGateway', 'Latency', 'p99', 2000],
  ['Platform/Api', 'ThrottledRequests', 'Sum', 50],
  ['AWS/WAFV2', 'BlockedRequests', 'Sum', 100],
])('alarm on %s %s (%s above %s) notifies the central alarm topic', (namespace, metricName, statistic, threshold) => {
  const alarm = alarms().find((a) => a.Namespace === namespace && a.MetricName === metricName)!;
  expect(alarm).toBeDefined();
  expect(alarm.Statistic ?? alarm.ExtendedStatistic).toBe(statistic);
  expect(alarm.Threshold).toBe(threshold);
  expect(JSON.stringify(alarm.AlarmActions)).toMatch(/AlarmTopic/);
});

test('API metrics use the literal API and stage names; WAF metrics the literal WebACL name', () => {
  const api = alarms().find((a) => a.MetricName === '5XXError')!;
  expect(api.Dimensions).toEqual(
    expect.arrayContaining([
      { Name: 'ApiName', Value: 'dev-platform-edge-api' },
      { Name: 'Stage', Value: 'v1' },
    ]),
  );
  const waf = alarms().find((a) => a.MetricName === 'BlockedRequests')!;
  expect(waf.Dimensions).toEqual(
    expect.arrayContaining([
      { Name: 'WebACL', Value: 'dev-platform-edge-api' },
      { Name: 'Rule', Value: 'ALL' },
    ]),
  );
});

test('throttled requests are counted from the JSON access logs (429)', () => {
  edge.hasResourceProperties('AWS::Logs::MetricFilter', {
    FilterPattern: '{ $.status = "429" }',
    MetricTransformations: [Match.objectLike({ MetricNamespace: 'Platform/Api', MetricName: 'ThrottledRequests' })],
  });
});

test('the central dashboard shows the four API widgets without a reference back to the edge stack', () => {
  const body = JSON.stringify(Object.values(logging.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
  for (const title of ['API error rates', 'API latency p99 (ms)', 'API throttled requests', 'WAF blocked requests']) {
    expect(body).toContain(title);
  }
  expect(body).not.toMatch(/Fn::ImportValue|Fn::GetStackOutput/);
});
