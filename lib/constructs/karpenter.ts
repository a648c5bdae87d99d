import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IDependable } from 'constructs';
import {
  BOTTLEROCKET_DATA_DEVICE,
  BOTTLEROCKET_OS_DEVICE,
  BOTTLEROCKET_SETTINGS,
  NODE_ROLE_MANAGED_POLICIES,
} from './bottlerocket-nodegroup';
import { ClusterManifest } from './cluster-manifest';
import { arnTarget } from '../private/arn-target';
import { HelmChartSource, HelmComponent } from './helm-component';

/** The Karpenter release this construct is written against (chart values, CRDs and IAM statements of 1.15.0). */
export const KARPENTER_VERSION = '1.15.0';

/** Karpenter's official OCI registry; the charts are `<registry>/karpenter-crd` and `<registry>/karpenter`. */
export const KARPENTER_REGISTRY = 'oci://public.ecr.aws/karpenter';

/**
 * kube-system, as Karpenter's documentation installs it: its API requests then fall under the built-in FlowSchemas
 * for leader election and kube-system service accounts, so API priority and fairness does not throttle the controller.
 */
export const KARPENTER_NAMESPACE = 'kube-system';

/** Karpenter's two charts: the CRDs and the controller, at one version from one registry. */
export function karpenterCharts(registry: string = KARPENTER_REGISTRY, version: string = KARPENTER_VERSION) {
  const chart = (name: string): HelmChartSource => ({ repository: `${registry}/${name}`, chart: name, version });
  return { karpenterCrd: chart('karpenter-crd'), karpenter: chart('karpenter') } satisfies Record<string, HelmChartSource>;
}

/** The controller's service account, which its Pod Identity role is associated with. */
export const KARPENTER_SERVICE_ACCOUNT = 'karpenter';

/** Name of the EC2NodeClass and the NodePool this construct applies. */
export const DEFAULT_NODE_POOL = 'default';

/** The node label Karpenter puts on every node it launches. */
export const NODE_POOL_LABEL = 'karpenter.sh/nodepool';

/**
 * The EventBridge events Karpenter acts on (its getting-started template, 1.15.0): it cordons and drains a node ahead
 * of a Spot reclaim, a scheduled maintenance, a capacity-reservation reclaim or a stop/termination done outside it.
 * Rebalance recommendations only become Kubernetes events.
 */
export const INTERRUPTION_EVENTS: readonly { readonly id: string; readonly source: string; readonly detailType: string }[] = [
  { id: 'ScheduledChangeRule', source: 'aws.health', detailType: 'AWS Health Event' },
  { id: 'SpotInterruptionRule', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { id: 'RebalanceRule', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { id: 'InstanceStateChangeRule', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  { id: 'CapacityReservationInterruptionRule', source: 'aws.ec2', detailType: 'EC2 Capacity Reservation Instance Interruption Warning' },
];

/** How much the node pool may grow, what it buys, and the controller's own size: the part a profile chooses. */
export interface KarpenterCapacity {
  /** vCPUs all of the pool's nodes may add up to; Karpenter launches nothing beyond it. */
  readonly cpuLimit: number;
  /** Memory all of the pool's nodes may add up to, in GiB. */
  readonly memoryLimitGiB: number;
  /**
   * Let the pool launch Spot instances (still preferring none when on-demand is cheaper). Spot capacity can be reclaimed
   * with two minutes' notice, and the account needs the EC2 Spot service-linked role.
   * @default false - on-demand only
   */
  readonly spot?: boolean;
  /**
   * CPU each controller replica requests and is limited to. The two replicas run on different managed nodes, which
   * must have this much to spare (a t3.large node may not, next to the platform's daemon sets and controllers).
   * @default '1' - Karpenter's documented sizing
   */
  readonly controllerCpu?: string;
  /** Memory each controller replica requests and is limited to. @default '1Gi' - Karpenter's documented sizing */
  readonly controllerMemory?: string;
}

/** AMI aliases the node class accepts: Bottlerocket only, at the newest release or a pinned `vX.Y.Z`. */
const BOTTLEROCKET_ALIAS = /^bottlerocket@(latest|v\d+\.\d+\.\d+)$/;

export interface KarpenterProps extends KarpenterCapacity {
  /** The cluster Karpenter adds nodes to. */
  readonly cluster: eks.ICluster;
  /**
   * The cluster's name, as a literal: it is part of IAM condition keys (`aws:ResourceTag/kubernetes.io/cluster/<name>`),
   * which cannot hold a CloudFormation reference, and of the Helm values.
   */
  readonly clusterName: string;
  /** Where nodes launch: private subnets of the cluster's VPC only (a selection with a public subnet is rejected). */
  readonly subnets: ec2.SubnetSelection;
  /** Encrypts both EBS volumes of every node Karpenter launches (the platform's block-storage key). */
  readonly volumeKey: kms.IKey;
  /** Encrypts the interruption queue; EventBridge is granted GenerateDataKey and Decrypt on it to deliver events. */
  readonly queueKey: kms.IKey;
  /**
   * The VPC has no route to the internet: Karpenter then reaches only AWS services with a VPC endpoint, skips the
   * pricing API (it uses the price list built into its release) and gets no `pricing:GetProducts` permission.
   * @default false
   */
  readonly isolatedVpc?: boolean;
  /** Karpenter chart and controller version; the CRD chart is installed at the same version. @default KARPENTER_VERSION */
  readonly version?: string;
  /** OCI registry holding `karpenter-crd` and `karpenter`, e.g. a private ECR mirror. @default KARPENTER_REGISTRY */
  readonly registry?: string;
  /**
   * The node class's AMI alias, Bottlerocket only. The default takes the newest Bottlerocket AMI for the cluster's
   * Kubernetes version, as the managed node group does today (it pins no release version); Karpenter then replaces
   * nodes when a release comes out (drift), at most `disruptionBudget` at a time. Pin a version (`bottlerocket@v1.x.y`)
   * to roll releases by a change in code instead.
   * @default 'bottlerocket@latest'
   */
  readonly amiAlias?: string;
  /** Size of the OS volume, in GiB, as the managed node group's launch template. @default 4 */
  readonly osDiskSizeGiB?: number;
  /** Size of the data volume (container images, writable layers, pods' ephemeral storage), in GiB. @default 20 */
  readonly diskSizeGiB?: number;
  /** How long a node stays empty or underused before Karpenter consolidates it. @default Duration.minutes(5) */
  readonly consolidateAfter?: Duration;
  /** Nodes (a count or a percentage) Karpenter may disrupt at once, for any reason. @default '10%' */
  readonly disruptionBudget?: string;
  /** Age at which a node is replaced, so no node outlives a month of patches. @default Duration.days(30) */
  readonly expireAfter?: Duration;
  /** Installed after these (nodes for the controller, DNS, the Pod Identity agent), uninstalled before them. @default - none */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * Karpenter 1.15 on a private aws-eks-v2 cluster: the interruption queue and its EventBridge rules, a node role with an
 * instance profile and an EC2_LINUX access entry, the controller with its own least-privilege Pod Identity role, and
 * one EC2NodeClass and NodePool that keep the managed node group's controls (Bottlerocket, IMDSv2 with hop limit 1,
 * volumes encrypted with the block-storage key, private subnets, the cluster security group).
 *
 * The controller runs on the managed node group, never on a node it launched (required node affinity on
 * `karpenter.sh/nodepool`), so it can always replace its own nodes.
 */
export class Karpenter extends Construct {
  /** SQS queue Karpenter reads interruption events from. */
  readonly interruptionQueue: sqs.Queue;
  /** The EventBridge rules sending INTERRUPTION_EVENTS to the queue. */
  readonly interruptionRules: events.Rule[] = [];
  /** The role of every node Karpenter launches; the only role the controller may pass. */
  readonly nodeRole: iam.Role;
  /** The node role's instance profile, named in the node class: Karpenter creates none (IAM has no VPC endpoint). */
  readonly instanceProfile: iam.InstanceProfile;
  /** Lets the node role join the cluster as a node. */
  readonly nodeAccessEntry: eks.AccessEntry;
  /** The `karpenter-crd` chart: Helm upgrades CRDs only from templates, not from a chart's `crds/` directory. */
  readonly crds: HelmComponent;
  /** The controller chart with its Pod Identity role. */
  readonly controller: HelmComponent;
  /** The EC2NodeClass and NodePool, applied after the controller. */
  readonly nodePool: ClusterManifest;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    validate(props);
    const { cluster, clusterName } = props;
    const charts = karpenterCharts(props.registry, props.version);
    const subnetIds = cluster.vpc.selectSubnets(props.subnets).subnetIds;
    const securityGroupId = cluster.clusterSecurityGroupId;
    const controllerResources = { cpu: props.controllerCpu ?? '1', memory: props.controllerMemory ?? '1Gi' };

    this.interruptionQueue = this.createInterruptionQueue(props.queueKey);

    this.nodeRole = new iam.Role(this, 'NodeRole', {
      description: 'Karpenter nodes: join the cluster and pull images',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: NODE_ROLE_MANAGED_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.nodeRole });
    // Nodes outside a managed node group get no access entry from EKS; EC2_LINUX maps the role to system:nodes.
    this.nodeAccessEntry = new eks.AccessEntry(this, 'NodeAccess', {
      cluster,
      principal: this.nodeRole.roleArn,
      accessEntryType: eks.AccessEntryType.EC2_LINUX,
      accessPolicies: [],
    });

    this.crds = new HelmComponent(this, 'Crds', {
      cluster,
      source: charts.karpenterCrd,
      namespace: KARPENTER_NAMESPACE,
      dependsOn: props.dependsOn,
    });
    const permissionScope: KarpenterControllerScope = {
      clusterName,
      clusterArn: cluster.clusterArn,
      // Pseudo parameters rather than the stack's literal environment, so the policies (and the gate findings that
      // name their resources) read the same in every account.
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      partition: Aws.PARTITION,
      subnetIds,
      securityGroupId,
      nodeRole: this.nodeRole,
      instanceProfile: this.instanceProfile,
      queue: this.interruptionQueue,
      queueKey: props.queueKey,
      volumeKey: props.volumeKey,
      isolatedVpc: props.isolatedVpc ?? false,
    };
    this.controller = new HelmComponent(this, 'Controller', {
      cluster,
      source: charts.karpenter,
      namespace: KARPENTER_NAMESPACE,
      awsIdentity: { serviceAccount: KARPENTER_SERVICE_ACCOUNT, statements: karpenterControllerStatements(permissionScope) },
      values: {
        settings: {
          clusterName,
          // Given rather than discovered, so startup needs no eks:DescribeCluster round trip.
          clusterEndpoint: cluster.clusterEndpoint,
          interruptionQueue: this.interruptionQueue.queueName,
          isolatedVPC: props.isolatedVpc ?? false,
        },
        serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
        replicas: 2,
        // Requests equal to limits: Guaranteed QoS, evicted last under node pressure.
        controller: { resources: { requests: controllerResources, limits: controllerResources } },
        // The chart's default, written out because it is a control: never on a node Karpenter manages (it could
        // consolidate the node it runs on), and one replica per node.
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'DoesNotExist' }] }],
            },
          },
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }],
          },
        },
      },
      // The queue and its rules first, so no interruption is missed; the CRDs, because the controller watches them.
      dependsOn: [...(props.dependsOn ?? []), this.crds.chart, this.interruptionQueue, ...this.interruptionRules],
    });

    // A second managed policy, as Karpenter's own split: one would exceed IAM's 6,144-character limit for a managed
    // policy with three subnets.
    const nodeLifecycle = new iam.ManagedPolicy(this, 'NodeLifecyclePolicy', {
      description: `Karpenter controller of ${clusterName}: launch, tag and terminate the cluster's nodes`,
      statements: karpenterNodeLifecycleStatements(permissionScope),
      roles: [this.controller.identity!.role],
    });
    this.controller.chart.node.addDependency(nodeLifecycle);

    this.nodePool = new ClusterManifest(this, 'NodePool', {
      cluster,
      manifest: [this.nodeClassObject(props, subnetIds, securityGroupId), nodePoolObject(props)],
      // After the controller and its CRDs (the kinds must exist), and deleted before it: the objects' finalizers need
      // the controller to terminate the nodes. Nodes must be able to join before the first one launches.
      dependsOn: [this.controller.chart, this.nodeAccessEntry, this.instanceProfile],
    });
  }

  private createInterruptionQueue(key: kms.IKey): sqs.Queue {
    const queue = new sqs.Queue(this, 'InterruptionQueue', {
      // Events older than a few minutes describe interruptions that have already happened.
      retentionPeriod: Duration.minutes(5),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
    });
    // EventBridge encrypts what it delivers to the queue with the queue's key.
    key.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:GenerateDataKey', 'kms:Decrypt');
    // Only EventBridge rules of this account may send; the rules below are the only producers.
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeOfThisAccount',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // Not aws-events-targets' SqsQueue, which would grant EventBridge encrypt and re-encrypt too.
    const target = arnTarget(queue.queueArn);
    for (const event of INTERRUPTION_EVENTS) {
      this.interruptionRules.push(
        new events.Rule(this, event.id, {
          description: `Karpenter interruption handling: ${event.detailType}`,
          eventPattern: { source: [event.source], detailType: [event.detailType] },
          targets: [target],
        }),
      );
    }
    return queue;
  }

  private nodeClassObject(props: KarpenterProps, subnetIds: readonly string[], securityGroupId: string): Record<string, unknown> {
    const volume = (sizeGiB: number) => ({
      volumeSize: `${sizeGiB}Gi`,
      volumeType: 'gp3',
      encrypted: true,
      kmsKeyID: props.volumeKey.keyArn,
      deleteOnTermination: true,
    });
    return {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: DEFAULT_NODE_POOL },
      spec: {
        amiSelectorTerms: [{ alias: props.amiAlias ?? 'bottlerocket@latest' }],
        // A pre-created profile: with `role`, Karpenter would create profiles through IAM, which has no VPC endpoint,
        // and would need IAM write permissions.
        instanceProfile: this.instanceProfile.instanceProfileName,
        subnetSelectorTerms: subnetIds.map((id) => ({ id })),
        securityGroupSelectorTerms: [{ id: securityGroupId }],
        associatePublicIPAddress: false,
        // IMDSv2 only, one hop: pods cannot reach the node's credentials (they use Pod Identity).
        metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        // Bottlerocket's two volumes, as the managed node group's launch template; the data volume holds pods'
        // ephemeral storage, so Karpenter sizes nodes' ephemeral-storage from it.
        blockDeviceMappings: [
          { deviceName: BOTTLEROCKET_OS_DEVICE, ebs: volume(props.osDiskSizeGiB ?? 4) },
          { deviceName: BOTTLEROCKET_DATA_DEVICE, rootVolume: true, ebs: volume(props.diskSizeGiB ?? 20) },
        ],
        // One-minute instance metrics, as the managed nodes.
        detailedMonitoring: true,
        // Merged into the TOML Karpenter generates (cluster, kubelet and label settings stay Karpenter's).
        userData: BOTTLEROCKET_SETTINGS,
      },
    };
  }
}

function nodePoolObject(props: KarpenterProps): Record<string, unknown> {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: DEFAULT_NODE_POOL },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: DEFAULT_NODE_POOL },
          requirements: [
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: props.spot ? ['on-demand', 'spot'] : ['on-demand'] },
            // x86_64 Linux, as the managed node group (BOTTLEROCKET_X86_64); current Nitro generations of the general
            // purpose, compute and memory families.
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
            { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
            { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'] },
          ],
          expireAfter: goDuration(props.expireAfter ?? Duration.days(30)),
          // Bounds how long a PodDisruptionBudget can hold a node that is being replaced.
          terminationGracePeriod: '24h',
        },
      },
      limits: { cpu: String(props.cpuLimit), memory: `${props.memoryLimitGiB}Gi` },
      disruption: {
        consolidationPolicy: 'WhenEmptyOrUnderutilized',
        consolidateAfter: goDuration(props.consolidateAfter ?? Duration.minutes(5)),
        budgets: [{ nodes: props.disruptionBudget ?? '10%' }],
      },
    },
  };
}

/** A duration as Kubernetes (Go) writes it: whole hours, minutes or seconds. */
function goDuration(duration: Duration): string {
  const seconds = duration.toSeconds();
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function validate(props: KarpenterProps): void {
  if (Token.isUnresolved(props.clusterName)) {
    throw new Error('karpenter clusterName is a token: pass the literal name the cluster was created with');
  }
  const alias = props.amiAlias ?? 'bottlerocket@latest';
  if (!BOTTLEROCKET_ALIAS.test(alias)) {
    throw new Error(`karpenter amiAlias ${alias} is not a Bottlerocket alias: use bottlerocket@latest or bottlerocket@vX.Y.Z`);
  }
  if (props.cluster.vpc.selectSubnets(props.subnets).hasPublic) {
    throw new Error('karpenter subnets include a public subnet: select the private (workload) subnets only');
  }
  for (const [name, value] of [
    ['cpuLimit', props.cpuLimit],
    ['memoryLimitGiB', props.memoryLimitGiB],
  ] as const) {
    if (!Token.isUnresolved(value) && !(value > 0)) throw new Error(`karpenter ${name} is ${value}: use a positive number`);
  }
  const budget = props.disruptionBudget;
  if (budget !== undefined && !/^\d+%?$/.test(budget)) {
    throw new Error(`karpenter disruptionBudget ${budget} is not a node count or percentage: use e.g. '10%' or '2'`);
  }
}

/** What the controller's policy is scoped to. */
export interface KarpenterControllerScope {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  /** The subnets of the node class: the only ones instances may launch in. */
  readonly subnetIds: readonly string[];
  /** The node class's security group: the only one instances may launch with. */
  readonly securityGroupId: string;
  readonly nodeRole: iam.IRole;
  readonly instanceProfile: iam.IInstanceProfile;
  readonly queue: sqs.IQueue;
  readonly queueKey: kms.IKey;
  readonly volumeKey: kms.IKey;
  readonly isolatedVpc: boolean;
}

/**
 * The controller's permissions, in two parts (`karpenterNodeLifecycleStatements` and `karpenterControllerStatements`):
 * Karpenter 1.15.0's documented policy (getting-started CloudFormation, reference
 * `cloudformation.md`) re-expressed for this cluster and narrowed further:
 * - RunInstances/CreateFleet only in the node class's subnets and security group (the documented policy allows any);
 * - instance profiles are pre-created, so none of the IAM write statements; reading only ours and the names its
 *   clean-up looks for (see below);
 * - no RebootInstances (only the `rebootForRepair` feature gate, off, uses it), no zonal-shift read (zonal shift off),
 *   no capacity reservations or placement groups (the node class selects none);
 * - AMI parameters only under `/aws/service/bottlerocket/`, the only family the node class accepts;
 * - no pricing API in an isolated VPC (Karpenter does not call it there);
 * - the volume key only through EC2, which uses it on the controller's behalf when it launches encrypted volumes;
 * - guard denies that refuse a launch breaking a node control (IMDSv1, hop limit above 1, public IP, unencrypted
 *   volume) even if someone applies another node class. They fire only when the request carries the key (`Null`),
 *   so a call without it is judged by the allows alone.
 * Everything Karpenter creates carries `kubernetes.io/cluster/<name>: owned`, `eks:eks-cluster-name` and
 * `karpenter.sh/nodepool`; creating, tagging and deleting are conditioned on those tags.
 */
export function karpenterNodeLifecycleStatements(scope: KarpenterControllerScope): iam.PolicyStatement[] {
  const { clusterName, region, account, partition } = scope;
  const ec2Arn = (resource: string, owner: string = account) => `arn:${partition}:ec2:${region}:${owner}:${resource}`;
  const ownedByCluster = { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: 'owned' };
  const ofANodePool = { 'aws:ResourceTag/karpenter.sh/nodepool': '*' };
  const requestTags = {
    [`aws:RequestTag/kubernetes.io/cluster/${clusterName}`]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': clusterName,
  };
  const createdResources = [
    'fleet/*',
    'instance/*',
    'volume/*',
    'network-interface/*',
    'launch-template/*',
    'spot-instances-request/*',
  ].map((resource) => ec2Arn(resource));
  const launch = ['ec2:RunInstances', 'ec2:CreateFleet'];
  const guard = (sid: string, resource: string, key: string, operator: string, value: string) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      actions: launch,
      resources: [ec2Arn(resource)],
      conditions: { [operator]: { [key]: value }, Null: { [key]: 'false' } },
    });
  return [
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: launch,
      resources: [
        ec2Arn('image/*', ''),
        ec2Arn('snapshot/*', ''),
        ...scope.subnetIds.map((id) => ec2Arn(`subnet/${id}`)),
        ec2Arn(`security-group/${scope.securityGroupId}`),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      actions: launch,
      resources: [ec2Arn('launch-template/*')],
      conditions: { StringEquals: ownedByCluster, StringLike: ofANodePool },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      actions: [...launch, 'ec2:CreateLaunchTemplate'],
      resources: createdResources,
      conditions: { StringEquals: requestTags, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceCreationTagging',
      actions: ['ec2:CreateTags'],
      resources: createdResources,
      conditions: {
        StringEquals: { ...requestTags, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceTagging',
      actions: ['ec2:CreateTags'],
      resources: [ec2Arn('instance/*')],
      conditions: {
        StringEquals: ownedByCluster,
        StringLike: ofANodePool,
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': clusterName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2Arn('instance/*'), ec2Arn('launch-template/*')],
      conditions: { StringEquals: ownedByCluster, StringLike: ofANodePool },
    }),
    guard('DenyLaunchWithoutImdsv2', 'instance/*', 'ec2:MetadataHttpTokens', 'StringNotEquals', 'required'),
    guard('DenyLaunchWithImdsHopLimitAboveOne', 'instance/*', 'ec2:MetadataHttpPutResponseHopLimit', 'NumericGreaterThan', '1'),
    guard('DenyLaunchWithPublicIp', 'network-interface/*', 'ec2:AssociatePublicIpAddress', 'Bool', 'true'),
    guard('DenyLaunchWithUnencryptedVolume', 'volume/*', 'ec2:Encrypted', 'Bool', 'false'),
  ];
}

/** The rest of the controller's permissions: passing the node role, the cluster, the queue, the keys, discovery. */
export function karpenterControllerStatements(scope: KarpenterControllerScope): iam.PolicyStatement[] {
  const { region, partition } = scope;
  const statements = [
    new iam.PolicyStatement({
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [scope.nodeRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowInstanceProfileReadActions',
      actions: ['iam:GetInstanceProfile'],
      resources: [
        scope.instanceProfile.instanceProfileArn,
        // What the clean-up below reads: profiles Karpenter would have created, and the legacy name.
        `arn:${partition}:iam::${scope.account}:instance-profile/karpenter/${region}/${scope.clusterName}/*`,
        `arn:${partition}:iam::${scope.account}:instance-profile/${scope.clusterName}_*`,
      ],
    }),
    new iam.PolicyStatement({
      sid: 'AllowAPIServerEndpointDiscovery',
      actions: ['eks:DescribeCluster'],
      resources: [scope.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [scope.queue.queueArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueDecryption',
      actions: ['kms:Decrypt'],
      resources: [scope.queueKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowVolumeEncryptionThroughEC2',
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      resources: [scope.volumeKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `ec2.${region}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowVolumeKeyGrantsForEBS',
      actions: ['kms:CreateGrant'],
      resources: [scope.volumeKey.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `ec2.${region}.amazonaws.com` },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowRegionalReadActions',
      // Describe calls support no resource-level permissions.
      actions: [
        'ec2:DescribeCapacityReservations',
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceStatus',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribePlacementGroups',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': region } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowSSMReadActions',
      actions: ['ssm:GetParameter'],
      resources: [`arn:${partition}:ssm:${region}::parameter/aws/service/bottlerocket/*`],
    }),
  ];
  if (!scope.isolatedVpc) {
    // The pricing API has no resource-level permissions and no VPC endpoint.
    statements.push(new iam.PolicyStatement({ sid: 'AllowPricingReadActions', actions: ['pricing:GetProducts'], resources: ['*'] }));
    // Deleting the EC2NodeClass runs Karpenter's instance-profile clean-up (the node class finalizer; its garbage
    // collector every 30 minutes), outside an isolated VPC: it lists the profiles it would have made under
    // /karpenter/<region>/<cluster>/ and reads the legacy name <cluster>_<hash>, ignoring only "not found". Denied, the
    // finalizer never completes, the kubectl handler times out and the Cluster stack cannot be deleted
    // (karpenter-provider-aws v1.14 nodeclass controller, instanceprofile provider). Both are reads.
    statements.push(
      new iam.PolicyStatement({
        sid: 'AllowUnscopedInstanceProfileListAction',
        actions: ['iam:ListInstanceProfiles'],
        resources: ['*'],
      }),
    );
  }
  return statements;
}
