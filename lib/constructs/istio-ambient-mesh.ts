import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, Dependable, IDependable } from 'constructs';
import { IngressIdentity } from '../catalogue/service-catalogue';
import { ClusterManifest } from './cluster-manifest';
import { HelmChartSource, HelmComponent } from './helm-component';
import { IngressGateway } from './ingress-gateway';
import { refuseDependenciesOnItself } from '../private/parts-beside';

/** Where istiod, the CNI node agent and ztunnel run. */
export const ISTIO_NAMESPACE = 'istio-system';

/** Istio's charts, all of one version: Istio supports no skew between them. */
export interface IstioCharts {
  /** CRDs and the default-revision webhook (`base`). */
  readonly istioBase: HelmChartSource;
  /** The control plane (`istiod`). */
  readonly istiod: HelmChartSource;
  /** The node agent that redirects pod traffic to ztunnel (`cni`). */
  readonly istioCni: HelmChartSource;
  /** The per-node proxy that carries the mesh's mTLS (`ztunnel`). */
  readonly ztunnel: HelmChartSource;
  /** The ingress gateway (`gateway`). */
  readonly istioGateway: HelmChartSource;
}

export interface IstioAmbientMeshProps {
  readonly cluster: eks.ICluster;
  /** The pinned Istio charts. */
  readonly charts: IstioCharts;
  /** Namespace and service account of the ingress gateway the private load balancer forwards to. */
  readonly ingress: IngressIdentity;
  /** Installed after these (nodes, DNS, the entry-point policy), and uninstalled before them. @default - none */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * Istio in ambient mode: base, istiod, cni and ztunnel (release names as in Istio's Helm installation guide), a
 * mesh-wide STRICT PeerAuthentication, so no workload accepts plain text, and the ingress gateway behind the private
 * load balancer. Istio calls no AWS API and gets no AWS identity.
 *
 * Its parts are created in `scope`, beside this construct, under ids that do not change with it: construct paths are
 * the CloudFormation logical ids of the Helm releases, and a new id would install a release again and uninstall the
 * old one. Depending on the mesh depends on every part; the other direction, tags and acknowledgements must go to the
 * parts or the scope (a dependency added on the mesh itself fails synth). One per scope.
 */
export class IstioAmbientMesh extends Construct {
  readonly base: HelmComponent;
  readonly istiod: HelmComponent;
  readonly cni: HelmComponent;
  readonly ztunnel: HelmComponent;
  /** Mesh-wide STRICT PeerAuthentication. */
  readonly strictMtls: ClusterManifest;
  /** The pods and Service the private load balancer forwards to; the ingress chart configures them. */
  readonly ingressGateway: IngressGateway;

  constructor(scope: Construct, id: string, props: IstioAmbientMeshProps) {
    super(scope, id);
    refuseDependenciesOnItself(this, 'Helm releases and manifests');
    const { cluster, charts } = props;
    const dependsOn = props.dependsOn ?? [];
    const component = (
      componentId: string,
      source: HelmChartSource,
      release: string,
      values: Record<string, unknown>,
      after: IDependable[],
    ) =>
      new HelmComponent(scope, componentId, {
        cluster,
        source,
        release,
        namespace: ISTIO_NAMESPACE,
        values,
        dependsOn: [...dependsOn, ...after],
      });
    this.base = component('IstioBase', charts.istioBase, 'istio-base', {}, []);
    this.istiod = component('Istiod', charts.istiod, 'istiod', { profile: 'ambient' }, [this.base]);
    this.cni = component('IstioCni', charts.istioCni, 'istio-cni', { profile: 'ambient' }, [this.istiod]);
    this.ztunnel = component('Ztunnel', charts.ztunnel, 'ztunnel', {}, [this.cni]);
    const strict: IPeerAuthentication = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ISTIO_NAMESPACE },
      spec: { mtls: { mode: 'STRICT' } },
    };
    this.strictMtls = new ClusterManifest(scope, 'MeshStrictMtls', { cluster, manifest: [strict], dependsOn: [this.ztunnel] });
    // istiod injects the gateway's proxy.
    this.ingressGateway = new IngressGateway(scope, 'IngressGateway', {
      cluster,
      source: charts.istioGateway,
      identity: props.ingress,
      dependsOn: [...dependsOn, this.ztunnel],
    });
    const parts = [this.base, this.istiod, this.cni, this.ztunnel, this.strictMtls, this.ingressGateway];
    Dependable.implement(this, { dependencyRoots: parts });
  }
}
