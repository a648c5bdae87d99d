import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IDependable } from 'constructs';
import { IngressIdentity } from '../catalogue/service-catalogue';
import { INGRESS_PORTS, ingressGatewayLabels } from '../charts/ingress-chart';
import { DROP_ALL_CAPABILITIES, RUNTIME_DEFAULT_SECCOMP } from '../charts/restricted-security-context';
import { shutdownTiming } from '../charts/graceful-shutdown';
import { platformNamespace } from '../charts/namespace';
import { ClusterManifest } from './cluster-manifest';
import { HelmChartSource, HelmComponent } from './helm-component';

/** UID and GID of Istio's proxy image (istio-proxy): the gateway runs as this non-root user. */
export const ISTIO_PROXY_ID = 1337;

export interface IngressGatewayProps {
  readonly cluster: eks.ICluster;
  /** Istio's `gateway` chart, from the same repository and version as the other Istio charts (`platformCharts`). */
  readonly source: HelmChartSource;
  /** Namespace and service account of the gateway (the catalogue's `ingress`); the release and Service take the account's name. */
  readonly identity: IngressIdentity;
  /** @default 2 - replicas the autoscaler keeps at least, so a node drain never takes the ingress down */
  readonly minReplicas?: number;
  /** @default 3 × minReplicas */
  readonly maxReplicas?: number;
  /** Installed after these (istiod, which injects the proxy, and ztunnel). @default - none */
  readonly dependsOn?: readonly IDependable[];
}

/** Helm values of Istio's `gateway` chart for the private ingress. */
export function ingressGatewayValues(
  props: Pick<IngressGatewayProps, 'identity' | 'minReplicas' | 'maxReplicas'>,
): Record<string, unknown> {
  const minReplicas = props.minReplicas ?? 2;
  // A load balancer target: the NLB keeps opening connections to a pod for about two minutes after its
  // deregistration starts (lib/charts/graceful-shutdown.ts), so the proxy keeps serving through a preStop sleep that
  // long, and then drains (pilot-agent's terminationDrainDuration, 5 s) well before SIGKILL.
  const shutdown = shutdownTiming(true);
  return {
    serviceAccount: { create: true, name: props.identity.serviceAccount },
    labels: ingressGatewayLabels(props.identity),
    // Reached only through the TargetGroupBinding (pod IPs): no load balancer or node port of its own. Only the TLS
    // port: the chart's default status and plain-HTTP ports are not exposed.
    service: {
      type: 'ClusterIP',
      ports: [{ name: 'https', port: INGRESS_PORTS.service, targetPort: INGRESS_PORTS.container, protocol: 'TCP' }],
    },
    // Pod Security `restricted`. Setting the pod context also drops the chart's default sysctl that lets the proxy
    // bind ports below 1024, which the gateway does not need on 8443.
    securityContext: {
      runAsNonRoot: true,
      runAsUser: ISTIO_PROXY_ID,
      runAsGroup: ISTIO_PROXY_ID,
      fsGroup: ISTIO_PROXY_ID,
      seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    },
    containerSecurityContext: {
      runAsNonRoot: true,
      runAsUser: ISTIO_PROXY_ID,
      runAsGroup: ISTIO_PROXY_ID,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: DROP_ALL_CAPABILITIES,
    },
    lifecycle: { preStop: { sleep: { seconds: shutdown.preStopSleepSeconds } } },
    terminationGracePeriodSeconds: shutdown.terminationGracePeriodSeconds,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1000m', memory: '512Mi' } },
    autoscaling: { enabled: true, minReplicas, maxReplicas: props.maxReplicas ?? 3 * minReplicas, targetCPUUtilizationPercentage: 70 },
    podDisruptionBudget: { maxUnavailable: 1 },
  };
}

/**
 * The pods and Service behind the private load balancer: Istio's `gateway` chart, pinned with the other Istio
 * charts, as a ClusterIP Service 443 → 8443 run as a non-root, restricted, autoscaled Envoy, in its namespace (restricted
 * pod security, ambient membership, target readiness gate), created here before the chart: the Workloads stack's
 * ingress chart (lib/charts/ingress-chart.ts) adds its NetworkPolicy, certificate, Gateway and routes to it. One creator
 * only: a second Namespace object would fail that stack (`kubectl create` of an existing namespace).
 */
export class IngressGateway extends Construct {
  readonly component: HelmComponent;

  constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id);
    const namespace = new ClusterManifest(this, 'Namespace', {
      cluster: props.cluster,
      manifest: [platformNamespace(props.identity.namespace, 'istio-ambient', true)],
      // Clusters deployed before this manifest have the namespace already (the gateway chart created it): adopt it.
      overwrite: true,
      dependsOn: props.dependsOn,
    });
    this.component = new HelmComponent(this, 'Resource', {
      cluster: props.cluster,
      source: props.source,
      release: props.identity.serviceAccount,
      namespace: props.identity.namespace,
      createNamespace: false,
      values: ingressGatewayValues(props),
      dependsOn: [...(props.dependsOn ?? []), namespace],
    });
  }
}
