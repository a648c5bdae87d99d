import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CentralLogging } from '../../lib/constructs/central-logging';
import { testApp } from '../support/platform-fixture';

describe('CentralLogging', () => {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const logging = new CentralLogging(stack, 'Logging', { retention: logs.RetentionDays.ONE_YEAR, alarmEmail: 'ops@example.com' });
  logging.createLogGroup('Audit');
  logging.createLogGroup('Waf', { logGroupName: 'aws-waf-logs-platform' });
  const template = Template.fromStack(stack);
  const keyRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('LoggingKey'), 'Arn'] };

  test('every log group it creates is encrypted with the logs key and keeps the configured retention', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: keyRef, RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-platform' });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  test("the logs key admits CloudWatch Logs only for this account's log groups", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.stringLikeRegexp(':logs:us-east-1:111111111111:log-group:\\*') },
            },
          }),
        ]),
      },
    });
  });

  test('the alarm topic is KMS-encrypted and refuses non-TLS publishers', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyRef });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  // The topic policy replaces SNS's default one: CloudWatch alarms must be named to publish, and only this account's.
  test("the alarm topic admits CloudWatch alarms of this account's region only", () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnLike: { 'aws:SourceArn': Match.stringLikeRegexp('^arn:.*:cloudwatch:us-east-1:111111111111:alarm:\\*$') } },
          }),
        ]),
      },
    });
  });

  test('a dashboard exists for other stacks to add widgets to', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
