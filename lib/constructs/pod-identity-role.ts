import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ManagedPolicyPrincipal } from '../private/managed-policy-principal';

export interface PodIdentityRoleProps {
  /** The cluster whose Pod Identity agent hands the role's credentials to pods; only it may assume the role. */
  readonly cluster: eks.ICluster;
  /** Namespace of the Kubernetes service account. */
  readonly namespace: string;
  /** Name of the Kubernetes service account; only pods running as it receive the role. */
  readonly serviceAccount: string;
  /** Statements the workload's documentation requires; grants can add more. @default - no permissions until granted */
  readonly statements?: readonly iam.PolicyStatement[];
}

/**
 * The AWS identity of one Kubernetes service account through EKS Pod Identity, for platform components and
 * services alike: trusted only by the Pod Identity service acting for this account's cluster, bound to the service
 * account by an association, holding only what is passed in or granted (`table.grant(identity, …)`), in one
 * customer-managed policy, never inline. Pod Identity instead of IRSA: no OIDC provider, and the trust policy does
 * not embed the cluster's issuer URL.
 */
export class PodIdentityRole extends Construct implements iam.IGrantable {
  readonly role: iam.Role;
  readonly grantPrincipal: ManagedPolicyPrincipal;
  readonly association: eks.CfnPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    // aws:SourceAccount/SourceArn stop the Pod Identity service from assuming the role for another cluster
    // (confused deputy); TagSession lets it attach the namespace and service-account session tags.
    const podIdentity = new iam.ServicePrincipal('pods.eks.amazonaws.com')
      .withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        ArnEquals: { 'aws:SourceArn': props.cluster.clusterArn },
      })
      .withSessionTags();
    this.role = new iam.Role(this, 'Resource', {
      description: `Pod Identity role of ${props.namespace}/${props.serviceAccount}`,
      assumedBy: podIdentity,
    });
    this.grantPrincipal = new ManagedPolicyPrincipal(this, this.role);
    for (const statement of props.statements ?? []) this.grantPrincipal.addToPrincipalPolicy(statement);
    this.association = new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: props.cluster.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
    });
    // Credentials reach pods only through the Pod Identity agent add-on.
    const agent = props.cluster.eksPodIdentityAgent;
    if (agent) this.association.node.addDependency(agent);
  }
}
