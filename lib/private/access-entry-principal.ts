import { Token } from 'aws-cdk-lib';

/**
 * The principal ARN an EKS access entry takes for an IAM role: the role's ARN as IAM shows it, path included. Access
 * entries accept a path (EKS user guide, "Create access entries": "If the ARN is for an IAM role, it can include a
 * path. ARNs in aws-auth ConfigMap entries, can't include a path."), and EKS resolves the entry to the role itself: the
 * path-less ARN of a role that has a path names no role, and CreateAccessEntry refuses it ("The specified principalArn
 * is invalid: invalid principal", terraform-aws-eks#2969, for an IAM Identity Center role). IAM Identity Center's
 * advice to drop `aws-reserved/sso.amazonaws.com/<region>/` is for aws-auth ConfigMaps. Unresolved tokens pass unchanged.
 */
export function accessEntryPrincipalArn(roleArn: string): string {
  if (!Token.isUnresolved(roleArn)) roleIdentity(roleArn);
  return roleArn;
}

/**
 * `<account>:<name>` of the role an ARN names. IAM role names are unique in an account whatever their path, so two
 * ARNs with the same identity name one role (and EKS allows one access entry per principal).
 */
export function roleIdentity(roleArn: string): string {
  const match = /^arn:[^:]+:iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(roleArn);
  if (!match) throw new Error(`${roleArn} is not an IAM role ARN: use arn:aws:iam::<account>:role/[<path>/]<name>`);
  return `${match[1]}:${match[2]}`;
}
