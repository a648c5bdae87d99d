import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PlatformKeys } from '../../lib/constructs/platform-keys';
import { testApp } from '../support/platform-fixture';

function keysTemplate(retain?: boolean): Template {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  new PlatformKeys(stack, 'Keys', { retain, serviceLinkedRoleLogGroup: new logs.LogGroup(stack, 'Logs') });
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

  // KMS refuses a key policy naming a principal that does not exist (MalformedPolicyDocumentException), and AWS creates
  // the Auto Scaling role only with the account's first Auto Scaling group: the stack makes sure it exists first.
  test('the Auto Scaling service-linked role is made to exist before the block-storage key names it, and outlives the stack', () => {
    const [creatorId, creator] = Object.entries(template.findResources('Custom::AWS')).find(([, r]) =>
      JSON.stringify(r.Properties.Create).includes('createServiceLinkedRole'),
    )!;
    expect(JSON.parse(creator.Properties.Create)).toMatchObject({
      service: 'IAM',
      action: 'createServiceLinkedRole',
      parameters: { AWSServiceName: 'autoscaling.amazonaws.com' },
      // Its "has been taken" answer where the role exists already (any account that ever had an Auto Scaling group).
      ignoreErrorCodesMatching: '^InvalidInput',
    });
    expect(creator.Properties.Delete).toBeUndefined();
    const [, blockStorage] = Object.entries(template.findResources('AWS::KMS::Key')).find(
      ([, k]) => k.Properties.Description === 'Platform block storage key',
    )!;
    expect(blockStorage.DependsOn).toEqual(expect.arrayContaining([creatorId]));
    // Its only permission: creating that one role, for that one service.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'iam:CreateServiceLinkedRole',
            Effect: 'Allow',
            Resource: 'arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
            Condition: { StringEquals: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' } },
          },
        ],
      },
    });
  });
});
