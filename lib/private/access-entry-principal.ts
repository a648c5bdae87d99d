import { Token } from 'aws-cdk-lib';

/**
 * The principal ARN an EKS access entry takes for an IAM role: the role ARN without its path. IAM Identity Center
 * permission-set roles live under `aws-reserved/sso.amazonaws.com/[<region>/]`, and the session of an assumed role
 * (what the cluster sees) names the role without its path, so an entry naming the path would never match
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html: reference the role
 * without `aws-reserved/sso.amazonaws.com/<region>/` in cluster configuration). Unresolved tokens pass unchanged.
 */
export function accessEntryPrincipalArn(roleArn: string): string {
  if (Token.isUnresolved(roleArn)) return roleArn;
  const match = /^(arn:[^:]+:iam::\d{12}:role\/)(?:[^/]+\/)*([^/]+)$/.exec(roleArn);
  if (!match) throw new Error(`${roleArn} is not an IAM role ARN: use arn:aws:iam::<account>:role/[<path>/]<name>`);
  return `${match[1]}${match[2]}`;
}
