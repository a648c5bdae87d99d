import { Annotations, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { App as Cdk8sApp, Chart } from 'cdk8s';
import { IDependable, Construct } from 'constructs';
import { createPlatformCharts, PlatformCharts, PlatformChartsProps } from '../charts';
import { ClusterManifest } from '../constructs/cluster-manifest';

export interface WorkloadsStackProps extends StackProps {
  readonly cluster: eks.ICluster;
  /** The platform baseline and service charts (see `workloadChartsProps`). */
  readonly charts: PlatformChartsProps;
  /** Charts are applied after these (mesh, cert-manager and load balancer controller CRDs) and deleted before them. */
  readonly dependsOn: readonly IDependable[];
}

/**
 * The Kubernetes half of the platform, applied to the cluster from CDK: the ingress chart (ambient mode), the
 * baseline chart, then one chart per service. Each chart is split by ClusterManifest into custom resources that stay under the CloudFormation
 * and custom-resource size limits, in this stack rather than the cluster's, so the cluster template does not grow
 * with the workloads.
 */
export class WorkloadsStack extends Stack {
  readonly charts: PlatformCharts;
  readonly manifests: readonly ClusterManifest[];

  constructor(scope: Construct, id: string, props: WorkloadsStackProps) {
    super(scope, id, props);
    // Chart warnings (e.g. an image pinned by tag in dev) go where synth reports everything else.
    const warn = (message: string) => Annotations.of(this).addWarningV2('@platform/workloads:chartWarning', message);
    this.charts = createPlatformCharts(new Cdk8sApp(), { warn, ...props.charts });
    const apply = (chart: Chart, dependsOn: readonly IDependable[]) =>
      new ClusterManifest(this, chart.node.id, { cluster: props.cluster, chart, dependsOn });
    const ingress = this.charts.ingress && apply(this.charts.ingress, props.dependsOn);
    const baseline = apply(this.charts.baseline, [...props.dependsOn, ...(ingress ? [ingress] : [])]);
    this.manifests = [
      ...(ingress ? [ingress] : []),
      baseline,
      ...[...Object.values(this.charts.services), ...(this.charts.edge ? [this.charts.edge] : [])].map((chart) => apply(chart, [baseline])),
    ];
  }
}
