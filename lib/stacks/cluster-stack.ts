import { Annotations, CfnOutput, PropertyInjectors, Stack, StackProps } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cwlogs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { IngressIdentity } from '../catalogue/service-catalogue';
import { ClusterConfig } from '../config';
import { ILogDestinations } from '../constructs/central-logging';
import { EksThreatDetection } from '../constructs/eks-threat-detection';
import { Karpenter } from '../constructs/karpenter';
import { chartMirrorRegistry } from '../constructs/chart-mirror';
import { ComponentSourcing } from '../constructs/component-sourcing';
import { cachedImage, ImageCache } from '../constructs/image-cache';
import { LogGroupEncryption } from '../constructs/log-group-encryption';
import { PlatformComponents, PlatformComponentsProps } from '../constructs/platform-components';
import { controlPlaneLogGroupName, PrivateCluster } from '../constructs/private-cluster';
import { TeamAccess } from '../constructs/team-access';
import { WorkloadSettings } from '../charts/workload-settings';

/** Log streams of the CloudWatch observability add-on, each written to `/aws/containerinsights/<cluster>/<name>`. */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ['performance', 'application', 'host', 'dataplane'] as const;

export interface ClusterStackProps extends StackProps {
  readonly cluster: ClusterConfig;
  /** EKS cluster name; the control-plane and Container Insights log group names derive from it. */
  readonly clusterName: string;
  readonly vpc: ec2.IVpc;
  /** Private subnets for the control-plane ENIs and the nodes. */
  readonly workloadSubnets: ec2.SubnetSelection;
  /** Envelope encryption of Kubernetes Secrets. */
  readonly secretsKey: kms.IKey;
  /** Node root and data volumes. */
  readonly volumeKey: kms.IKey;
  /** Karpenter's interruption queue. */
  readonly eventsKey: kms.IKey;
  /**
   * The pull-through cache the components' images come from (Network stack); with isolated egress the charts then come
   * from the ECR mirror too. @default - charts and images from their public registries
   */
  readonly imageCache?: ImageCache;
  readonly logDestinations: ILogDestinations;
  /** The private load balancer's target group (Edge stack): the only one the load balancer controller may register targets in. */
  readonly ingressTargetGroup: elbv2.ITargetGroup;
  /** The catalogue's ingress identity: the mesh gateway's namespace and service account (ambient mode). */
  readonly ingress: IngressIdentity;
  /** Sizes each team namespace's quota and limits, as the services' are sized. */
  readonly teamWorkload: WorkloadSettings;
  /**
   * Where Kyverno's webhooks admit pods and which repositories it reads signatures from, when `cluster.imageSignatures`
   * is on. @default - no signature verification
   */
  readonly signatureVerification?: PlatformComponentsProps['signatureVerification'];
}

/**
 * The private EKS cluster, its nodes and add-ons, and the platform components installed into it.
 * Other stacks receive `cluster` as `eks.ICluster` to add Pod Identity associations and manifests (ClusterManifest),
 * so their Kubernetes objects count against their own templates, not this one.
 */
export class ClusterStack extends Stack {
  readonly cluster: eks.Cluster;
  readonly privateCluster: PrivateCluster;
  readonly components: PlatformComponents;
  /** Absent in Auto Mode. */
  readonly karpenter?: Karpenter;
  /** Container Insights' `application` log group: every container's stdout, the services' JSON access logs among it. */
  readonly applicationLogGroup: cwlogs.ILogGroup;
  readonly teams: TeamAccess;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const config = props.cluster;
    const logs = props.logDestinations;
    // The kubectl provider's handlers log to groups aws-eks-v2 creates without a key; registered first, so it
    // applies to every log group constructed in this stack.
    PropertyInjectors.of(this).add(new LogGroupEncryption(logs));
    const isolated = props.vpc.publicSubnets.length === 0;
    // Without an internet path, every Helm component comes from the account: its chart from the mirror (`npm run
    // mirror`), its images from the pull-through cache; with the cache alone (`egress: nat`), only the images.
    if (props.imageCache) {
      ComponentSourcing.apply(this, {
        chartMirror: isolated ? chartMirrorRegistry(this.account, this.region) : undefined,
        image: (upstream) => cachedImage(this.account, this.region, upstream),
      });
    }
    const insightsLogGroups = CONTAINER_INSIGHTS_LOG_GROUPS.map((name) =>
      logs.createLogGroup(`ContainerInsights-${name}`, {
        logGroupName: `/aws/containerinsights/${props.clusterName}/${name}`,
      }),
    );
    this.applicationLogGroup = insightsLogGroups[CONTAINER_INSIGHTS_LOG_GROUPS.indexOf('application')];

    this.privateCluster = new PrivateCluster(this, 'Cluster', {
      clusterName: props.clusterName,
      kubernetesVersion: config.kubernetesVersion,
      kubectlLayerVersion: config.kubectlLayerVersion,
      vpc: props.vpc,
      subnets: props.workloadSubnets,
      secretsKey: props.secretsKey,
      volumeKey: props.volumeKey,
      admins:
        config.adminRoleArns.length > 0
          ? config.adminRoleArns.map((arn, index) => iam.Role.fromRoleArn(this, `Admin${index}`, arn, { mutable: false }))
          : undefined,
      controlPlaneLogGroup: logs.createLogGroup('EksControlPlane', { logGroupName: controlPlaneLogGroupName(props.clusterName) }),
      nodeGroup: config.nodeGroup,
      autoMode: config.compute === 'auto-mode',
      addonVersions: config.addons,
      containerInsightsLogGroups: insightsLogGroups,
    });
    this.cluster = this.privateCluster.cluster;

    const { addons, nodes } = this.privateCluster;
    // Pods need nodes, DNS and the Pod Identity agent; depending on them also makes teardown uninstall the charts
    // (and let controllers remove what they created in AWS) while nodes and networking still exist.
    const podsCanRun = [...(nodes ? [nodes.nodegroup] : []), addons.coreDns, addons.vpcCni, addons.podIdentityAgent];
    this.components = new PlatformComponents(this, 'Components', {
      cluster: this.cluster,
      versions: config.helm,
      ingressTargetGroup: props.ingressTargetGroup,
      ingress: props.ingress,
      mtls: config.mtls,
      privateCa: config.privateCaArn
        ? acmpca.CertificateAuthority.fromCertificateAuthorityArn(this, 'PlatformPrivateCa', config.privateCaArn)
        : undefined,
      signatureVerification: props.signatureVerification,
      dependsOn: podsCanRun,
    });
    if (nodes) {
      this.karpenter = new Karpenter(this, 'Karpenter', {
        ...config.karpenter,
        cluster: this.cluster,
        clusterName: props.clusterName,
        subnets: props.workloadSubnets,
        volumeKey: props.volumeKey,
        queueKey: props.eventsKey,
        isolatedVpc: isolated,
        // After the entry-point policy, which judges the Services its chart creates.
        dependsOn: [...podsCanRun, this.components.entryPointPolicy],
      });
    }

    this.teams = new TeamAccess(this, 'Teams', {
      cluster: this.cluster,
      teams: config.teams,
      mtls: config.mtls,
      workload: props.teamWorkload,
      dependsOn: [this.components.entryPointPolicy],
    });

    // The roles the stack created because the configuration named none: what operators assume.
    if (this.privateCluster.adminRole) {
      new CfnOutput(this, 'AdminRoleArn', { value: this.privateCluster.adminRole.roleArn, description: 'cluster admin role to assume' });
    }
    // Numbered, not named after the team: output ids lose the hyphens team names may have (`a-b` and `ab` would clash).
    [...this.teams.teamRoles].forEach(([team, role], index) => {
      new CfnOutput(this, `TeamRoleArn${index}`, { value: role.roleArn, description: `role of team ${team} to assume` });
    });

    if (props.imageCache) {
      for (const role of [this.privateCluster.nodes?.role, this.karpenter?.nodeRole]) if (role) props.imageCache.grantPullThrough(role);
    }
    if (isolated) {
      Annotations.of(this).addWarningV2(
        '@platform/cluster:chartsFromMirror',
        'egress is isolated: the kubectl handler installs the platform Helm charts from the ECR mirror ' +
          `${chartMirrorRegistry(this.account, this.region)}; run npm run mirror -- --apply (with internet access) before the first deploy`,
      );
    }

    if (config.guardDuty) new EksThreatDetection(this, 'ThreatDetection');
  }
}
