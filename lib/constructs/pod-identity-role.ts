import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface PodIdentityRoleProps {
  /** The cluster whose Pod Identity agent hands the role's credentials to pods. */
  readonly cluster: eks.ICluster;
  /** Namespace of the Kubernetes service account. */
  readonly namespace: string;
  /** Name of the Kubernetes service account; only pods running as it receive the role. */
  readonly serviceAccount: string;
  /** Statements the workload's documentation requires; nothing else is granted. @default - no permissions */
  readonly statements?: readonly iam.PolicyStatement[];
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: trusted only by the Pod Identity
 * service, bound to the service account by an association, and holding only the statements passed in.
 * Pod Identity instead of IRSA: no OIDC provider, and the trust policy does not embed the cluster's issuer URL.
 */
export class PodIdentityRole extends Construct implements iam.IGrantable {
  readonly role: iam.Role;
  readonly grantPrincipal: iam.IPrincipal;
  readonly association: eks.CfnPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Resource', {
      description: `Pod Identity role of ${props.namespace}/${props.serviceAccount}`,
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    });
    this.grantPrincipal = this.role;
    if (props.statements && props.statements.length > 0) {
      // A managed policy rather than the role's inline default policy: reviewable on its own (NIST/HIPAA/PCI IAMNoInlinePolicy).
      new iam.ManagedPolicy(this, 'Policy', { roles: [this.role], statements: [...props.statements] });
    }
    // The Pod Identity agent add-on must run for the association to deliver credentials.
    const agent = props.cluster.eksPodIdentityAgent;
    this.association = new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: props.cluster.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
    });
    if (agent) this.association.node.addDependency(agent);
  }
}
