import { Match, Template } from 'aws-cdk-lib/assertions';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { detectionStack, platformTemplate } from './detection-fixture';

/** The trail ARN as CloudFormation receives it (the partition is a pseudo parameter). */
const trailArn = (profile: string) => `arn:aws:cloudtrail:us-east-1:111111111111:trail/${profile}-platform-detection-trail`;
const ANY_TRAIL_OF_THIS_ACCOUNT = 'arn:aws:cloudtrail:*:111111111111:trail/*';
/** The logical id of the one resource of the type whose logical id matches. */
const logicalId = (template: Template, type: string, id: RegExp) => {
  const ids = Object.keys(template.findResources(type)).filter((candidate) => id.test(candidate));
  expect(ids).toHaveLength(1);
  return ids[0];
};

describe.each(['dev', 'prod'] as const)('%s audit trail', (profile) => {
  let detection: Template;
  let keys: Template;
  beforeAll(() => {
    detection = platformTemplate(profile, 'detection');
    keys = platformTemplate(profile, 'keys');
  });

  test('a multi-region trail of every management event, validated, KMS-encrypted, to the audit bucket and a log group', () => {
    detection.resourceCountIs('AWS::CloudTrail::Trail', 1);
    detection.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: `${profile}-platform-detection-trail`,
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AuditKey') }) },
      S3BucketName: { Ref: logicalId(detection, 'AWS::S3::Bucket', /^AuditBucket[0-9A-F]{8}$/) },
      CloudWatchLogsLogGroupArn: { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AuditTrail') }) },
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TrailLogsRole'), 'Arn'] },
      AdvancedEventSelectors: Match.arrayWith([
        { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ]),
    });
  });

  test('CloudTrail may encrypt with the audit key and describe it only for this trail; account principals may decrypt log files', () => {
    keys.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Platform audit trail key',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudTrailToEncryptLogs',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: {
              StringEquals: { 'aws:SourceArn': trailArn(profile) },
              StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': ANY_TRAIL_OF_THIS_ACCOUNT },
            },
          }),
          Match.objectLike({
            Sid: 'AllowCloudTrailToDescribeKey',
            Action: 'kms:DescribeKey',
            Condition: { StringEquals: { 'aws:SourceArn': trailArn(profile) } },
          }),
          Match.objectLike({
            Sid: 'AllowAccountPrincipalsToDecryptLogFiles',
            Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
            Condition: Match.objectLike({ StringEquals: { 'kms:CallerAccount': '111111111111' } }),
          }),
        ]),
      },
    });
  });

  test('the bucket policy admits CloudTrail only for this trail, and only under AWSLogs/<account>/', () => {
    detection.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AWSCloudTrailAclCheck',
            Action: 's3:GetBucketAcl',
            Condition: { StringEquals: { 'aws:SourceArn': trailArn(profile) } },
          }),
          Match.objectLike({
            Sid: 'AWSCloudTrailWrite',
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [Match.anyValue(), '/AWSLogs/111111111111/*']] },
            Condition: { StringEquals: { 'aws:SourceArn': trailArn(profile), 's3:x-amz-acl': 'bucket-owner-full-control' } },
          }),
        ]),
      },
    });
  });

  test('the trail waits for its bucket policy and its logs role (CloudTrail checks both when it creates the trail)', () => {
    const trail = Object.values(detection.findResources('AWS::CloudTrail::Trail'))[0];
    const policy = logicalId(detection, 'AWS::S3::BucketPolicy', /^AuditBucketPolicy[0-9A-F]{8}$/);
    const role = logicalId(detection, 'AWS::IAM::Role', /^TrailLogsRole[0-9A-F]{8}$/);
    expect(trail.DependsOn).toEqual(expect.arrayContaining([policy, role]));
  });

  test('the logs role trusts CloudTrail only for this trail and may write only to the trail log group', () => {
    detection.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceArn': trailArn(profile) } },
          }),
        ],
      },
    });
    detection.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('TrailLogsRole'),
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AuditTrail') }) },
          },
        ],
      },
    });
  });

  test('the audit bucket is SSE-KMS with the audit key, access-logged and versioned; prod retains it', () => {
    detection.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'audit/' }),
      VersioningConfiguration: { Status: 'Enabled' },
    });
    const bucket = detection.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() } });
    expect(Object.values(bucket).map((b) => b.DeletionPolicy)).toEqual([profile === 'prod' ? 'Retain' : 'Delete']);
  });
});

test('prod records data events of the data bucket and of every service table; dev records none', () => {
  const selectors = (profile: 'dev' | 'prod') =>
    Object.values(platformTemplate(profile, 'detection').findResources('AWS::CloudTrail::Trail'))[0].Properties.AdvancedEventSelectors;
  expect(selectors('dev')).toHaveLength(1);
  const prod = selectors('prod');
  expect(prod.map((s: any) => s.Name)).toEqual(['Management events', 'Data bucket objects', 'Service table items']);
  expect(JSON.stringify(prod[1])).toContain('AWS::S3::Object');
  expect(prod[2].FieldSelectors).toContainEqual({ Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] });
  const tables = REFERENCE_CATALOGUE.services.filter((service) => service.table).length;
  expect(prod[2].FieldSelectors.find((f: any) => f.Field === 'resources.ARN').Equals).toHaveLength(tables);
});

describe('organization trail mode', () => {
  test('creates no trail, and puts the CIS alarms on the organization trail log group when it is named', () => {
    const { template } = detectionStack({
      trail: 'organization',
      dataEvents: false,
      organizationTrailLogGroup: 'aws-controltower/CloudTrailLogs',
    });
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(
      Object.values(template.findResources('AWS::Logs::MetricFilter')).filter(
        (f) => f.Properties.LogGroupName === 'aws-controltower/CloudTrailLogs',
      ),
    ).toHaveLength(8);
  });

  test('without the group it warns that the CIS alarms are not created here', () => {
    const { stack, template } = detectionStack({ trail: 'organization', dataEvents: false });
    expect(
      Object.values(template.findResources('AWS::Logs::MetricFilter')).some((f) => f.Properties.MetricNamespace === 'Platform/Audit'),
    ).toBe(false);
    const warnings = stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings.join('\n')).toContain('organizationTrailLogGroup');
  });
});
