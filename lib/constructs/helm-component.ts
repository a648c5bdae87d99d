import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { ComponentSourcing } from './component-sourcing';
import { PodIdentityRole } from './pod-identity-role';

/** Where a chart comes from: repository, chart name and the pinned version. */
export interface HelmChartSource {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export interface HelmComponentProps {
  readonly cluster: eks.ICluster;
  readonly source: HelmChartSource;
  readonly namespace: string;
  /** Helm release name. @default - the chart name */
  readonly release?: string;
  /** Chart values; keep them small, they travel in the template. @default - the chart's defaults */
  readonly values?: Record<string, unknown>;
  /**
   * The service account the chart runs as and the AWS permissions its documentation requires; the component
   * gets its own Pod Identity role with exactly these statements.
   * @default - no AWS identity: the component calls no AWS API
   */
  readonly awsIdentity?: { readonly serviceAccount: string; readonly statements: readonly iam.PolicyStatement[] };
  /** Installed only after these exist, and therefore uninstalled before they are deleted. @default - none */
  /** Helm creates the namespace, unlabelled. Pass false when a manifest creates it (depend on that manifest), since one namespace must have one creator. @default true */
  readonly createNamespace?: boolean;
  readonly dependsOn?: readonly IDependable[];
}

/**
 * One platform component installed from a pinned Helm chart, with its own Pod Identity role when it calls AWS.
 * Only the chart reference and values travel in the template; the kubectl handler fetches the chart at deploy time,
 * so a component adds a few hundred bytes to the template however large its chart is.
 */
export class HelmComponent extends Construct {
  readonly chart: eks.HelmChart;
  readonly identity?: PodIdentityRole;

  constructor(scope: Construct, id: string, props: HelmComponentProps) {
    super(scope, id);
    if (props.awsIdentity) {
      this.identity = new PodIdentityRole(this, 'Identity', {
        cluster: props.cluster,
        namespace: props.namespace,
        serviceAccount: props.awsIdentity.serviceAccount,
        statements: props.awsIdentity.statements,
      });
    }
    // From the chart mirror and the image cache when the cluster has no internet path (ComponentSourcing).
    const { source, values } = ComponentSourcing.resolve(this, props.source, props.values);
    this.chart = new eks.HelmChart(this, 'Resource', {
      cluster: props.cluster,
      repository: source.repository,
      chart: source.chart,
      version: source.version,
      release: props.release ?? source.chart,
      namespace: props.namespace,
      createNamespace: props.createNamespace ?? true,
      values,
      // Wait for the pods, and roll back a failed upgrade, so CloudFormation's state matches the cluster's.
      wait: true,
      atomic: true,
      timeout: Duration.minutes(10),
    });
    for (const dependency of props.dependsOn ?? []) this.chart.node.addDependency(dependency);
    // Credentials must be associable before the pods start.
    if (this.identity) this.chart.node.addDependency(this.identity);
  }
}
