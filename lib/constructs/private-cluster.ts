import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BottlerocketNodegroup, NodeGroupCapacity } from './bottlerocket-nodegroup';
import { AddonVersions, ClusterAddons } from './cluster-addons';
import { accessEntryPrincipalArn } from '../private/access-entry-principal';
import { createOperatorRole } from '../private/operator-role';

/**
 * The kubectl layer for each Kubernetes version this blueprint supports; kubectl talks to the cluster in the
 * handler, so its minor version must match the cluster's. Supporting a new version means adding its layer package here.
 */
export const KUBECTL_LAYERS: Readonly<
  Record<string, { readonly packageName: string; create(scope: Construct, id: string): lambda.ILayerVersion }>
> = {
  '1.35': { packageName: '@aws-cdk/lambda-layer-kubectl-v35', create: (scope, id) => new KubectlV35Layer(scope, id) },
};

/** All five control-plane log types. */
export const CONTROL_PLANE_LOG_TYPES: readonly eks.ClusterLoggingTypes[] = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/**
 * Subnet tags by which the AWS Load Balancer Controller (and Kubernetes' cloud provider) find where to put the
 * internet-facing and internal load balancers of Services and Ingresses.
 */
export const LOAD_BALANCER_SUBNET_ROLE_TAGS: readonly string[] = ['kubernetes.io/role/elb', 'kubernetes.io/role/internal-elb'];

/** Auto Mode's built-in node pools: `system` for critical add-ons (tainted), `general-purpose` for everything else. */
export const AUTO_MODE_NODE_POOLS = ['system', 'general-purpose'] as const;

/** The AWS-managed policies EKS documents for an Auto Mode node role. */
export const AUTO_MODE_NODE_ROLE_POLICIES = ['AmazonEKSWorkerNodeMinimalPolicy', 'AmazonEC2ContainerRegistryPullOnly'] as const;

/** The log group EKS writes control-plane logs to; pre-create it so it is encrypted and has retention. */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

export interface PrivateClusterProps {
  /** Fixed, because the control-plane and Container Insights log group names derive from it. */
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. `1.35`; must have an entry in KUBECTL_LAYERS. */
  readonly kubernetesVersion: string;
  /** Version of the kubectl layer; must equal kubernetesVersion. @default - kubernetesVersion */
  readonly kubectlLayerVersion?: string;
  readonly vpc: ec2.IVpc;
  /** Private subnets for the control-plane ENIs, the nodes and the kubectl handler. */
  readonly subnets: ec2.SubnetSelection;
  /** Envelope encryption of Kubernetes secrets. */
  readonly secretsKey: kms.IKey;
  /** Encryption of node volumes. */
  readonly volumeKey: kms.IKey;
  /**
   * Roles granted cluster admin through access entries; there is no other admin (the creator gets none).
   * @default - one role this construct creates (`adminRole`), which only this account's principals that IAM allows to assume it can use
   */
  readonly admins?: readonly iam.IRole[];
  /** Pre-created `/aws/eks/<clusterName>/cluster` group; the cluster is created after it, so EKS does not create its own. */
  readonly controlPlaneLogGroup: logs.ILogGroup;
  /**
   * The Bottlerocket managed node group's instance types, sizes and data volume; with Karpenter, the group its
   * controller and the platform's system components run on. Unused in Auto Mode.
   */
  readonly nodeGroup: NodeGroupCapacity;
  /**
   * EKS Auto Mode runs every node (its built-in `system` and `general-purpose` pools) instead of the managed node
   * group: AWS then owns the node controls (AMI, IMDS, volume encryption with an AWS-owned key) and the nodes' role.
   * @default false - our node group, with the node controls in code
   */
  readonly autoMode?: boolean;
  /** Pinned versions of the managed add-ons. */
  readonly addonVersions: AddonVersions;
  /** Pre-created Container Insights log groups, which the observability add-on waits for. @default - none */
  readonly containerInsightsLogGroups?: readonly logs.ILogGroup[];
  /**
   * API endpoint access. The secure value is set explicitly because the EKS default is public and private.
   * Opting out (PUBLIC_AND_PRIVATE with `onlyFrom`) exposes the API server to the internet.
   * @default eks.EndpointAccess.PRIVATE
   */
  readonly endpointAccess?: eks.EndpointAccess;
}

/**
 * A private EKS cluster on aws-eks-v2 (native AWS::EKS::Cluster, access entries, no nested stacks): private API
 * endpoint, KMS envelope encryption of secrets, all control-plane logs, API authentication mode with access entries
 * only, a Bottlerocket managed node group in private subnets, and pinned managed add-ons. Unlike aws-eks-v2's default,
 * no subnet of the VPC is tagged as a place for load balancers.
 *
 * Compute is an explicit managed node group by default: aws-eks-v2 defaults to EKS Auto Mode, which we turn off
 * (defaultCapacityType NODEGROUP with zero default capacity) to keep the launch template controls (IMDS hop limit,
 * volume keys, Bottlerocket settings) in our hands; `autoMode` hands them to AWS instead.
 */
export class PrivateCluster extends Construct {
  readonly cluster: eks.Cluster;
  /** Security group of the kubectl handler and its provider framework. */
  readonly kubectlSecurityGroup: ec2.SecurityGroup;
  /** Absent in Auto Mode. */
  readonly nodes?: BottlerocketNodegroup;
  readonly addons: ClusterAddons;
  /** The admin role created when no `admins` are given. */
  readonly adminRole?: iam.Role;

  constructor(scope: Construct, id: string, props: PrivateClusterProps) {
    super(scope, id);
    const layerVersion = props.kubectlLayerVersion ?? props.kubernetesVersion;
    if (layerVersion !== props.kubernetesVersion) {
      throw new Error(
        `kubectl layer ${layerVersion} does not match Kubernetes ${props.kubernetesVersion}: use the layer of the cluster version`,
      );
    }
    const layer = KUBECTL_LAYERS[props.kubernetesVersion];
    if (!layer) {
      throw new Error(
        `kubernetes version ${props.kubernetesVersion} has no kubectl layer: use one of ${Object.keys(KUBECTL_LAYERS).join(', ')}`,
      );
    }
    if (props.admins?.length === 0) {
      throw new Error('admins is empty: the cluster creator gets no access, so list at least one admin role or leave admins out');
    }

    // The kubectl handler's own group: HTTPS out only (API server, VPC endpoints, Helm repositories through NAT or the ECR chart mirror), and
    // the only source the control plane admits besides the nodes.
    this.kubectlSecurityGroup = new ec2.SecurityGroup(this, 'KubectlSecurityGroup', {
      vpc: props.vpc,
      description: 'EKS kubectl handler: HTTPS to the cluster API, AWS endpoints and chart repositories',
      allowAllOutbound: false,
    });
    this.kubectlSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS out');

    this.cluster = new eks.Cluster(this, 'Resource', {
      clusterName: props.clusterName,
      version: eks.KubernetesVersion.of(props.kubernetesVersion),
      vpc: props.vpc,
      vpcSubnets: [props.subnets],
      endpointAccess: props.endpointAccess ?? eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: props.secretsKey,
      clusterLogging: [...CONTROL_PLANE_LOG_TYPES],
      bootstrapClusterCreatorAdminPermissions: false,
      // The managed add-ons below are the only copies; self-managed defaults would conflict with them.
      bootstrapSelfManagedAddons: false,
      ...(props.autoMode
        ? {
            defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
            compute: { nodePools: [...AUTO_MODE_NODE_POOLS], nodeRole: this.autoModeNodeRole() },
          }
        : { defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 }),
      // With a private endpoint the handler runs in the cluster's private subnets (set by aws-eks-v2) and reaches
      // the API server, STS and ECR through the VPC's endpoints, and Helm repositories through NAT (isolated: the ECR mirror).
      kubectlProviderOptions: { kubectlLayer: layer.create(this, 'KubectlLayer'), securityGroups: [this.kubectlSecurityGroup] },
    });
    this.cluster.connections.allowFrom(this.kubectlSecurityGroup, ec2.Port.tcp(443), 'kubectl handler to the API server');
    // aws-eks-v2 tags every public and private subnet of the VPC with these (Cluster.tagSubnets, unconditionally).
    // The platform's one load balancer is placed by CDK and the controller may create none, so no subnet offers
    // itself; RemoveTag's priority (200) wins over the cluster's Tag (100) whichever aspect runs first.
    for (const subnet of [...props.vpc.publicSubnets, ...props.vpc.privateSubnets]) {
      for (const key of LOAD_BALANCER_SUBNET_ROLE_TAGS) Tags.of(subnet).remove(key);
    }
    this.cluster.node.addDependency(props.controlPlaneLogGroup);

    const clusterAdmin = eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', {
      accessScopeType: eks.AccessScopeType.CLUSTER,
    });
    if (!props.admins) {
      this.adminRole = createOperatorRole(this, 'AdminRole', {
        cluster: this.cluster,
        description: `Cluster admin of ${props.clusterName} (AmazonEKSClusterAdminPolicy)`,
        kind: 'admin',
      });
    }
    (props.admins ?? [this.adminRole!]).forEach((role, index) =>
      this.cluster.grantAccess(`Admin${index}`, accessEntryPrincipalArn(role.roleArn), [clusterAdmin]),
    );

    if (!props.autoMode) {
      this.nodes = new BottlerocketNodegroup(this, 'Nodes', {
        cluster: this.cluster,
        subnets: props.subnets,
        volumeKey: props.volumeKey,
        ...props.nodeGroup,
      });
    }
    this.addons = new ClusterAddons(this, 'Addons', {
      cluster: this.cluster,
      versions: props.addonVersions,
      nodes: this.nodes?.nodegroup,
      observabilityDependsOn: props.containerInsightsLogGroups,
    });
  }

  /**
   * The Auto Mode nodes' role with the two policies EKS documents for it (join the cluster, pull images), instead of
   * aws-eks-v2's default, which grants the broader AmazonEKSWorkerNodePolicy and ECR read-only. EKS gives the role
   * its access entry (AmazonEKSAutoNodePolicy) itself.
   */
  private autoModeNodeRole(): iam.Role {
    return new iam.Role(this, 'AutoModeNodeRole', {
      description: 'EKS Auto Mode nodes: join the cluster and pull images',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: AUTO_MODE_NODE_ROLE_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
  }
}
