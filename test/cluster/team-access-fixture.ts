import { TeamConfig } from '../../lib/config';

export type { TeamConfig };

/** Two teams as operators would configure them: an edit team through IAM Identity Center, a view team through a plain role. */
export function testConfigTeams(account = '111111111111'): readonly TeamConfig[] {
  return [
    {
      name: 'payments',
      access: 'edit',
      roleArns: [`arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_PaymentsDeveloper_0123456789abcdef`],
    },
    { name: 'audit', access: 'view', roleArns: [`arn:aws:iam::${account}:role/Auditor`] },
  ];
}
