import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * A customer-managed key with the settings every platform key shares: yearly rotation, RETAIN when asked,
 * and a deny on grants that are neither for an AWS resource nor made by an AWS service (CT.KMS.PR.3), so a
 * principal with kms:CreateGrant cannot hand the key to an arbitrary grantee.
 */
export function createPlatformKey(scope: Construct, id: string, purpose: string, retain: boolean): kms.Key {
  const key = new kms.Key(scope, id, {
    description: `Platform ${purpose} key`,
    enableKeyRotation: true,
    pendingWindow: Duration.days(retain ? 30 : 7),
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsNotForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  return key;
}
