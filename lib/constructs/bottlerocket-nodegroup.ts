import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Bottlerocket's OS volume (dm-verity protected, read-only) and its data volume (images, container storage). */
export const BOTTLEROCKET_OS_DEVICE = '/dev/xvda';
export const BOTTLEROCKET_DATA_DEVICE = '/dev/xvdb';

/**
 * Bottlerocket settings merged into the ones EKS generates. SELinux enforcing and the read-only, verified root
 * filesystem are always on in Bottlerocket and cannot be turned off; lockdown `integrity` also stops even root
 * from modifying the running kernel (no /dev/mem, no unsigned modules).
 */
export const BOTTLEROCKET_SETTINGS = [
  '[settings.kernel]',
  'lockdown = "integrity"',
  '[settings.host-containers.admin]',
  'enabled = false',
].join('\n');

/**
 * What a node needs to join the cluster and pull images, and nothing else: vpc-cni gets its network permissions
 * through Pod Identity (ClusterAddons), so they are not on every node. Shared by every node role of the platform.
 */
export const NODE_ROLE_MANAGED_POLICIES: readonly string[] = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'];

/** How many nodes of which instance types, with how much disk. */
export interface NodeGroupCapacity {
  /** Instance types the node group may launch, e.g. `m7i.large`. */
  readonly instanceTypes: readonly string[];
  /** Nodes the group keeps at least. */
  readonly minSize: number;
  /** Nodes the group starts with. */
  readonly desiredSize: number;
  /** Nodes the group may grow to. */
  readonly maxSize: number;
  /** Size of the data volume (container images and writable layers), in GiB. */
  readonly diskSizeGiB: number;
}

export interface BottlerocketNodegroupProps extends NodeGroupCapacity {
  readonly cluster: eks.ICluster;
  /** Where the nodes run: private subnets only. */
  readonly subnets: ec2.SubnetSelection;
  /** Encrypts both EBS volumes of every node. */
  readonly volumeKey: kms.IKey;
  /** Size of the OS volume, in GiB; must hold the Bottlerocket image. @default 4 */
  readonly osDiskSizeGiB?: number;
}

/**
 * A managed node group on Bottlerocket with a hardened launch template: IMDSv2 required with a hop limit of 1
 * (so pods cannot reach the node's credentials; they use Pod Identity), and both volumes encrypted with the
 * block-storage key.
 */
export class BottlerocketNodegroup extends Construct {
  readonly nodegroup: eks.Nodegroup;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BottlerocketNodegroupProps) {
    super(scope, id);
    const volume = (sizeGiB: number) =>
      ec2.BlockDeviceVolume.ebs(sizeGiB, {
        encrypted: true,
        kmsKey: props.volumeKey,
        volumeType: ec2.EbsDeviceVolumeType.GP3,
        deleteOnTermination: true,
      });
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      httpEndpoint: true,
      // One-minute instance metrics (CT.EC2.PR.*): node-level signals for scaling and incident response.
      detailedMonitoring: true,
      blockDevices: [
        { deviceName: BOTTLEROCKET_OS_DEVICE, volume: volume(props.osDiskSizeGiB ?? 4) },
        { deviceName: BOTTLEROCKET_DATA_DEVICE, volume: volume(props.diskSizeGiB) },
      ],
      userData: ec2.UserData.custom(BOTTLEROCKET_SETTINGS),
    });
    this.role = new iam.Role(this, 'NodeRole', {
      description: 'EKS managed nodes: join the cluster and pull images',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: NODE_ROLE_MANAGED_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    // The node group validates min <= desired <= max itself.
    this.nodegroup = new eks.Nodegroup(this, 'Resource', {
      nodeRole: this.role,
      cluster: props.cluster,
      amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64,
      instanceTypes: props.instanceTypes.map((type) => new ec2.InstanceType(type)),
      minSize: props.minSize,
      desiredSize: props.desiredSize,
      maxSize: props.maxSize,
      subnets: props.subnets,
      launchTemplateSpec: {
        id: this.launchTemplate.launchTemplateId!,
        version: this.launchTemplate.latestVersionNumber,
      },
      enableNodeAutoRepair: true,
    });
  }
}
