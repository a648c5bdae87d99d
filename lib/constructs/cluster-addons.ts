import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct, IDependable } from 'constructs';

/** Service account of vpc-cni's aws-node DaemonSet. */
export const VPC_CNI_SERVICE_ACCOUNT = 'aws-node';
/** Service account the CloudWatch observability add-on's agent and Fluent Bit run as. */
export const CLOUDWATCH_AGENT_SERVICE_ACCOUNT = 'cloudwatch-agent';
/** EKS add-on name of metrics-server, a community add-on (AWS validates its versions, the project supports it). */
export const METRICS_SERVER_ADDON_NAME = 'metrics-server';
/** metrics-server pods: with two, a drained or rescheduled pod does not take metrics.k8s.io (and every HPA) down. */
export const METRICS_SERVER_REPLICAS = 2;

/** EKS managed add-on versions, pinned so synth never looks them up and a deploy never upgrades one by itself. */
export interface AddonVersions {
  /** vpc-cni, which assigns pod IPs and enforces network policies. */
  readonly vpcCni: string;
  /** coredns, the cluster's DNS. */
  readonly coreDns: string;
  /** kube-proxy, which routes Service traffic on each node. */
  readonly kubeProxy: string;
  /** The agent that hands out Pod Identity credentials. */
  readonly podIdentityAgent: string;
  /** amazon-cloudwatch-observability: Container Insights and container logs. */
  readonly cloudWatchObservability: string;
  /** The metrics-server community add-on, which serves metrics.k8s.io to the HorizontalPodAutoscalers. */
  readonly metricsServer: string;
}

export interface ClusterAddonsProps {
  readonly cluster: eks.ICluster;
  /** Pinned versions, so a deploy never picks up a new add-on release by itself. */
  readonly versions: AddonVersions;
  /**
   * The managed nodes: networking add-ons are installed before them, workload add-ons after them.
   * @default - none: EKS Auto Mode, whose nodes come with the cluster
   */
  readonly nodes?: IConstruct;
  /** What must exist before the observability agent writes (the pre-created, KMS-encrypted log groups). @default - nothing */
  readonly observabilityDependsOn?: readonly IDependable[];
}

/**
 * The EKS managed add-ons of the platform. The cluster is created without the self-managed defaults
 * (bootstrapSelfManagedAddons: false), so these are the only copies: vpc-cni (with network policy enforcement, and its
 * AWS permissions through Pod Identity rather than the node role),
 * kube-proxy and the Pod Identity agent before the nodes, so nodes come up Ready; coredns, the CloudWatch
 * observability add-on (Container Insights and container logs) and metrics-server (the metrics.k8s.io API the
 * HorizontalPodAutoscalers read) after them, since they run as pods.
 * Teardown runs in reverse: pods' add-ons, then the nodes, then networking.
 */
export class ClusterAddons extends Construct {
  readonly vpcCni: eks.Addon;
  readonly kubeProxy: eks.Addon;
  readonly podIdentityAgent: eks.IAddon;
  readonly coreDns: eks.Addon;
  readonly cloudWatchObservability: eks.Addon;
  /** Serves metrics.k8s.io; without it a CPU or memory HPA never scales (see lib/evidence/metric-sources.ts). */
  readonly metricsServer: eks.Addon;
  /** The role of vpc-cni (aws-node), given to it through Pod Identity, so the node role needs no network permissions. */
  readonly vpcCniRole: iam.Role;
  /** The role of the CloudWatch agent and Fluent Bit, given to them through Pod Identity. */
  readonly observabilityRole: iam.Role;

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    const { cluster, versions } = props;
    const addon = (addonId: string, addonName: string, addonVersion: string, configurationValues?: Record<string, unknown>) =>
      new eks.Addon(this, addonId, { cluster, addonName, addonVersion, configurationValues });
    // The managed policy an add-on's documentation requires, on a role only its service account receives.
    const withIdentity = (target: eks.Addon, roleId: string, serviceAccount: string, managedPolicy: string, description: string) => {
      const role = new iam.Role(this, roleId, {
        description,
        assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(managedPolicy)],
      });
      (target.node.defaultChild as eks.CfnAddon).podIdentityAssociations = [{ serviceAccount, roleArn: role.roleArn }];
      target.node.addDependency(this.podIdentityAgent);
      return role;
    };

    // The cluster's own agent add-on, which Pod Identity associations elsewhere depend on; only its version is pinned here.
    this.podIdentityAgent = cluster.eksPodIdentityAgent!;
    (this.podIdentityAgent.node.defaultChild as eks.CfnAddon).addonVersion = versions.podIdentityAgent;
    this.vpcCni = addon('VpcCni', 'vpc-cni', versions.vpcCni, { enableNetworkPolicy: 'true' });
    this.vpcCniRole = withIdentity(
      this.vpcCni,
      'VpcCniRole',
      VPC_CNI_SERVICE_ACCOUNT,
      'AmazonEKS_CNI_Policy',
      'vpc-cni (aws-node): assigns pod IP addresses (Pod Identity)',
    );
    this.kubeProxy = addon('KubeProxy', 'kube-proxy', versions.kubeProxy);
    for (const networking of [this.vpcCni, this.kubeProxy, this.podIdentityAgent]) props.nodes?.node.addDependency(networking);

    this.coreDns = addon('CoreDns', 'coredns', versions.coreDns);
    this.cloudWatchObservability = addon('CloudWatchObservability', 'amazon-cloudwatch-observability', versions.cloudWatchObservability, {
      containerLogs: { enabled: true },
    });
    this.observabilityRole = withIdentity(
      this.cloudWatchObservability,
      'ObservabilityRole',
      CLOUDWATCH_AGENT_SERVICE_ACCOUNT,
      'CloudWatchAgentServerPolicy',
      'CloudWatch agent and Fluent Bit of the observability add-on (Pod Identity)',
    );
    for (const dependency of props.observabilityDependsOn ?? []) this.cloudWatchObservability.node.addDependency(dependency);

    // Only the replica count is set. The upstream chart the add-on packages already gives the container a Pod
    // Security "restricted" context (runAsNonRoot as UID 1000, readOnlyRootFilesystem, allowPrivilegeEscalation
    // false, capabilities drop ALL, seccompProfile RuntimeDefault; no host network, only an emptyDir), and EKS
    // rejects configuration keys the add-on's schema does not list, so restating them could only fail the deploy.
    // No PodDisruptionBudget for the same reason: the schema is not known to accept one.
    this.metricsServer = addon('MetricsServer', METRICS_SERVER_ADDON_NAME, versions.metricsServer, { replicas: METRICS_SERVER_REPLICAS });
    if (props.nodes) {
      for (const onNodes of [this.coreDns, this.cloudWatchObservability, this.metricsServer]) onNodes.node.addDependency(props.nodes);
    }
  }
}
