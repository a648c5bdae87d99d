import { Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** IAM paths of the roles the platform creates for people, by kind. */
export const OPERATOR_ROLE_PATHS = { admin: '/platform-admins/', team: '/platform-teams/' } as const;

/**
 * A role people assume to work on the cluster, for when no existing role is named: trusted by this account only, so
 * just the principals whose IAM policies allow `sts:AssumeRole` on it can use it (as CDK's bootstrap roles are), for at
 * most an hour a session, and allowed `eks:DescribeCluster` on this cluster, which `aws eks update-kubeconfig` calls.
 * What it may do inside the cluster is its access entry's, given by the caller.
 */
export function createOperatorRole(
  scope: Construct,
  id: string,
  props: { readonly cluster: eks.ICluster; readonly description: string; readonly kind: 'admin' | 'team' },
): iam.Role {
  const { cluster, description } = props;
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.AccountPrincipal(Stack.of(scope).account),
    maxSessionDuration: Duration.hours(1),
    description,
    // Grants can tell admins from teams: a policy allowing sts:AssumeRole on role/platform-teams/* reaches no admin.
    path: OPERATOR_ROLE_PATHS[props.kind],
  });
  // A customer-managed policy, not an inline one (NIST, HIPAA and PCI IAMNoInlinePolicy).
  new iam.ManagedPolicy(scope, `${id}Policy`, {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [cluster.clusterArn] })],
  });
  return role;
}
