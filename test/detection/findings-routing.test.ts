import { Match, Template } from 'aws-cdk-lib/assertions';
import { detectionStack, platformTemplate } from './detection-fixture';

/** A rule's target: the platform's alarm topic in the Logging stack, by its cross-stack reference. */
const ALARM_TOPIC = { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AlarmTopic') }) };

describe('findings and health events reach the alarm topic', () => {
  let detection: Template;
  let logging: Template;
  beforeAll(() => {
    detection = platformTemplate('prod', 'detection');
    logging = platformTemplate('prod', 'logging');
  });

  test('each source of findings reaches the alarm topic', () => {
    const rule = (EventPattern: Record<string, unknown>) =>
      detection.hasResourceProperties('AWS::Events::Rule', {
        State: 'ENABLED',
        EventPattern,
        Targets: [Match.objectLike({ Arn: ALARM_TOPIC })],
      });
    rule({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } });
    rule({
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Imported'],
      detail: { findings: { Severity: { Label: ['CRITICAL', 'HIGH'] }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'] } },
    });
    rule({ source: ['aws.access-analyzer'], 'detail-type': ['Access Analyzer Finding'], detail: { status: ['ACTIVE'] } });
    rule({ source: ['aws.health'], 'detail-type': ['AWS Health Event'] });
    detection.resourceCountIs('AWS::Events::Rule', 4);
  });

  // The key statement carries no aws:SourceAccount: KMS does not support it for EventBridge-to-encrypted-topic delivery
  // (every invocation would fail); the topic policy is what limits publishers to this account's rules.
  test("the alarm topic admits EventBridge only for this account's rules, and its key lets EventBridge encrypt", () => {
    logging.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowEventBridgeRulesOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:111111111111:rule/*' } },
          }),
        ]),
      },
    });
    logging.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.absent(),
          }),
        ]),
      },
    });
  });

  test('no rule adds an unconditioned statement for EventBridge to the topic', () => {
    const statements = Object.values(logging.findResources('AWS::SNS::TopicPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const forEventBridge = statements.filter((s: any) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));
    expect(forEventBridge).toHaveLength(1);
    expect(forEventBridge[0].Condition).toBeDefined();
  });
});

test('which severities page is configuration', () => {
  const { template } = detectionStack({ findings: { guardDutyMinimum: 4, securityHubLabels: ['CRITICAL'] } });
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: { source: ['aws.guardduty'], detail: { severity: [{ numeric: ['>=', 4] }] } },
  });
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: { source: ['aws.securityhub'], detail: { findings: Match.objectLike({ Severity: { Label: ['CRITICAL'] } }) } },
  });
});
