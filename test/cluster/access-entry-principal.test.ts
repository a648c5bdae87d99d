import { Token } from 'aws-cdk-lib';
import { accessEntryPrincipalArn, roleIdentity } from '../../lib/private/access-entry-principal';

// EKS access entries take a role's ARN with its path (EKS user guide, "Create access entries"); the path-less ARN of an
// IAM Identity Center role names no role and CreateAccessEntry refuses it.
test.each([
  [
    'an IAM Identity Center role (regional identity source)',
    'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef',
  ],
  [
    'an IAM Identity Center role (identity source in us-east-1: no region in the path)',
    'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_abcdef0123456789',
  ],
  ['a role with a path of its own', 'arn:aws-cn:iam::111122223333:role/teams/payments/Operator'],
  ['a role without a path', 'arn:aws:iam::111122223333:role/PlatformAdmin'],
])('access entries name %s by its whole ARN, path included', (_what, roleArn) => {
  expect(accessEntryPrincipalArn(roleArn)).toBe(roleArn);
});

test('a role is the same role with or without its path, and not the same name in another account', () => {
  expect(roleIdentity('arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Dev_0123')).toBe(
    roleIdentity('arn:aws:iam::111122223333:role/AWSReservedSSO_Dev_0123'),
  );
  expect(roleIdentity('arn:aws:iam::111122223333:role/Dev')).not.toBe(roleIdentity('arn:aws:iam::444455556666:role/Dev'));
});

test('a user or a session ARN is refused; an unresolved token passes unchanged', () => {
  expect(() => accessEntryPrincipalArn('arn:aws:iam::111122223333:user/alice')).toThrow(/not an IAM role ARN/);
  expect(() => accessEntryPrincipalArn('arn:aws:sts::111122223333:assumed-role/Dev/alice')).toThrow(/not an IAM role ARN/);
  const token = Token.asString({ Ref: 'Role' });
  expect(accessEntryPrincipalArn(token)).toBe(token);
});
