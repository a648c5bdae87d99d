import { Token } from 'aws-cdk-lib';
import { accessEntryPrincipalArn } from '../../lib/private/access-entry-principal';

test.each([
  [
    'an IAM Identity Center role (regional identity source)',
    'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef',
    'arn:aws:iam::111122223333:role/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef',
  ],
  [
    'an IAM Identity Center role (identity source in us-east-1: no region in the path)',
    'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_abcdef0123456789',
    'arn:aws:iam::111122223333:role/AWSReservedSSO_Dev_abcdef0123456789',
  ],
  [
    'a role with a path of its own',
    'arn:aws-cn:iam::111122223333:role/teams/payments/Operator',
    'arn:aws-cn:iam::111122223333:role/Operator',
  ],
  ['a role without a path', 'arn:aws:iam::111122223333:role/PlatformAdmin', 'arn:aws:iam::111122223333:role/PlatformAdmin'],
])('access entries name %s without its path', (_what, roleArn, principal) => {
  expect(accessEntryPrincipalArn(roleArn)).toBe(principal);
});

test('a user or a session ARN is refused; an unresolved token passes unchanged', () => {
  expect(() => accessEntryPrincipalArn('arn:aws:iam::111122223333:user/alice')).toThrow(/not an IAM role ARN/);
  expect(() => accessEntryPrincipalArn('arn:aws:sts::111122223333:assumed-role/Dev/alice')).toThrow(/not an IAM role ARN/);
  const token = Token.asString({ Ref: 'Role' });
  expect(accessEntryPrincipalArn(token)).toBe(token);
});
