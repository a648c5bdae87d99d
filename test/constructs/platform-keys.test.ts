import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PlatformKeys } from '../../lib/constructs/platform-keys';
import { testApp } from '../support/platform-fixture';

function keysTemplate(retain?: boolean): Template {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  new PlatformKeys(stack, 'Keys', { retain });
  return Template.fromStack(stack);
}

describe('PlatformKeys', () => {
  const template = keysTemplate();

  test('keys separated by purpose (data, cluster secrets, block storage, event queues, audit trail), each rotating yearly', () => {
    template.resourceCountIs('AWS::KMS::Key', 5);
    const descriptions = Object.values(template.findResources('AWS::KMS::Key'))
      .map((k) => k.Properties.Description)
      .sort();
    expect(descriptions).toEqual([
      'Platform audit trail key',
      'Platform block storage key',
      'Platform cluster secrets key',
      'Platform data key',
      'Platform event queue key',
    ]);
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('retained by default (anything encrypted is lost with the key); dev may destroy them', () => {
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    keysTemplate(false).allResources('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('every key denies grants that are not for AWS resources (CT.KMS.PR.3)', () => {
    template.allResourcesProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyGrantsNotForAwsResources',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          },
        ]),
      },
    });
  });

  test('the block-storage key admits Auto Scaling only through EC2 and only for AWS-resource grants', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Platform block storage key',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAutoScalingToUseKeyForEbs',
            Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:CallerAccount': '111111111111' } },
          }),
          Match.objectLike({
            Sid: 'AllowAutoScalingToGrantKeyToEbs',
            Action: 'kms:CreateGrant',
            Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
          }),
        ]),
      },
    });
  });

  test('the data key admits no AWS service principal directly (services use it through IAM grants)', () => {
    const dataKey = Object.values(template.findResources('AWS::KMS::Key')).find((k) => k.Properties.Description === 'Platform data key')!;
    const principals = dataKey.Properties.KeyPolicy.Statement.map((s: { Principal: unknown }) => JSON.stringify(s.Principal));
    expect(principals.some((p: string) => p.includes('Service'))).toBe(false);
  });
});
