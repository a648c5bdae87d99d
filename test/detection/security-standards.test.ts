import { Match, Template } from 'aws-cdk-lib/assertions';
import { detectionStack, platformTemplate } from './detection-fixture';

describe.each(['dev', 'prod'] as const)('%s', (profile) => {
  let detection: Template;
  beforeAll(() => {
    detection = platformTemplate(profile, 'detection');
  });

  test('both standards are enabled after the hub, with their ARNs in the stack region', () => {
    detection.hasResourceProperties('AWS::SecurityHub::Hub', {
      EnableDefaultStandards: false,
      ControlFindingGenerator: 'SECURITY_CONTROL',
      AutoEnableControls: true,
    });
    const [hub] = Object.keys(detection.findResources('AWS::SecurityHub::Hub'));
    const standards = Object.values(detection.findResources('AWS::SecurityHub::Standard'));
    expect(standards.map((s) => s.Properties.StandardsArn).sort()).toEqual([
      'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
      'arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0',
    ]);
    for (const standard of standards) expect(standard.DependsOn).toContain(hub);
  });

  test('an account IAM Access Analyzer produces the findings the routing sends on', () => {
    detection.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT' });
  });

  test('AWS Config records every resource type (global ones too) and delivers to the audit bucket with the audit key', () => {
    detection.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RecordingMode: { RecordingFrequency: profile === 'prod' ? 'CONTINUOUS' : 'DAILY' },
    });
    detection.hasResourceProperties('AWS::Config::DeliveryChannel', {
      S3BucketName: { Ref: Match.stringLikeRegexp('^AuditBucket') },
      S3KeyPrefix: 'config',
      S3KmsKeyArn: Match.anyValue(),
    });
    const [recorder] = Object.keys(detection.findResources('AWS::Config::ConfigurationRecorder'));
    expect(Object.values(detection.findResources('AWS::Config::DeliveryChannel'))[0].DependsOn).toContain(recorder);
  });

  test("the recorder's role trusts AWS Config for this account only and may write only under config/", () => {
    detection.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'config.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ],
      },
    });
    detection.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('ConfigRecorderRole'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [Match.anyValue(), '/config/AWSLogs/', { Ref: 'AWS::AccountId' }, '/Config/*']] },
          }),
        ]),
      },
    });
  });
});

test('switches for landing zones: no hub, no recorder, and no audit bucket without a trail or recorder', () => {
  const { template } = detectionStack({ securityHub: false, configRecorder: 'none', trail: 'organization', dataEvents: false });
  for (const type of [
    'AWS::SecurityHub::Hub',
    'AWS::SecurityHub::Standard',
    'AWS::AccessAnalyzer::Analyzer',
    'AWS::Config::ConfigurationRecorder',
    'AWS::S3::Bucket',
  ])
    template.resourceCountIs(type, 0);
  template.resourceCountIs('AWS::Events::Rule', 4);
});
