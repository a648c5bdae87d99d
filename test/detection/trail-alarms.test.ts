import { Match, Template } from 'aws-cdk-lib/assertions';
import { AUDIT_METRIC_NAMESPACE, CIS_TRAIL_FILTERS, DEFAULT_TRAIL_ALARM_THRESHOLDS } from '../../lib/constructs/trail-alarms';
import { detectionStack, platformTemplate } from './detection-fixture';

const ALARM_TOPIC = { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AlarmTopic') }) };

describe('CIS alarms on the audit trail', () => {
  let detection: Template;
  beforeAll(() => {
    detection = platformTemplate('prod', 'detection');
  });

  test('every CIS filter on the trail log group alarms to the topic', () => {
    const trail = Object.values(detection.findResources('AWS::CloudTrail::Trail'))[0];
    for (const [name, filter] of Object.entries(CIS_TRAIL_FILTERS)) {
      detection.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: filter.pattern,
        // The same log group the trail delivers to: the same Logging stack output.
        LogGroupName: { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AuditTrail') }) },
        MetricTransformations: [{ MetricNamespace: AUDIT_METRIC_NAMESPACE, MetricName: name, MetricValue: '1' }],
      });
      detection.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: AUDIT_METRIC_NAMESPACE,
        MetricName: name,
        Statistic: 'Sum',
        Period: 300,
        Threshold: DEFAULT_TRAIL_ALARM_THRESHOLDS[name as keyof typeof CIS_TRAIL_FILTERS],
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [ALARM_TOPIC],
      });
    }
    expect(JSON.stringify(trail.Properties.CloudWatchLogsLogGroupArn)).toContain('AuditTrail');
  });

  test("the filters are the benchmark's: root use, failed sign-ins, KMS key disable or deletion, and the rest", () => {
    expect(CIS_TRAIL_FILTERS.RootAccountUse.pattern).toBe(
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    );
    expect(CIS_TRAIL_FILTERS.ConsoleLoginFailures.pattern).toBe(
      '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    );
    expect(CIS_TRAIL_FILTERS.KmsKeyDisabledOrDeleted.pattern).toContain(
      '($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)',
    );
    expect(CIS_TRAIL_FILTERS.IamPolicyChanges.pattern.match(/\$\.eventName = /g)).toHaveLength(16);
    expect(CIS_TRAIL_FILTERS.SecurityGroupChanges.pattern.match(/\$\.eventName = /g)).toHaveLength(6);
    expect(CIS_TRAIL_FILTERS.NetworkAclChanges.pattern.match(/\$\.eventName = /g)).toHaveLength(6);
    // Every pattern is one JSON filter with balanced parentheses (CloudWatch rejects the filter otherwise).
    for (const { pattern } of Object.values(CIS_TRAIL_FILTERS)) {
      expect(pattern).toMatch(/^\{ .* \}$/);
      let depth = 0;
      for (const c of pattern) {
        depth += c === '(' ? 1 : c === ')' ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
  });
});

test('thresholds come from configuration', () => {
  const { template } = detectionStack({ trailAlarms: { UnauthorizedApiCalls: 20, SecurityGroupChanges: 3 } });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'UnauthorizedApiCalls', Threshold: 20 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SecurityGroupChanges', Threshold: 3 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RootAccountUse', Threshold: 0 });
});
