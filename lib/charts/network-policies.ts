import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IIoK8sApiNetworkingV1NetworkPolicyEgressRule as IEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { IIoK8sApiNetworkingV1NetworkPolicyIngressRule as IIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import type { IIoK8sApiNetworkingV1NetworkPolicyPeer as IPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { IIoK8sApiNetworkingV1NetworkPolicyPort as IPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { ServiceCatalogue, ServiceDefinition } from '../catalogue/service-catalogue';
import { MtlsMode } from '../catalogue/service-contract';
import { asCaller, Caller, calleesOf, callersOf, NAMESPACE_NAME_LABEL, workloadLabels } from './call-graph';
import { UNQUARANTINED_PODS } from './quarantine-label';

/** Istio ambient's HBONE tunnel port: ztunnel carries every meshed connection to the destination pod on it. */
export const HBONE_PORT = 15008;

/** In ambient mode ztunnel rewrites kubelet health probes to come from this link-local address. */
export const AMBIENT_PROBE_SOURCE_CIDR = '169.254.7.127/32';

/** The EKS Pod Identity agent, from which the AWS SDK fetches the pod's role credentials. */
export const POD_IDENTITY_AGENT_CIDR = '169.254.170.23/32';

/** Name of the namespace-wide default-deny policy. */
export const DEFAULT_DENY_POLICY_NAME = 'default-deny';

const DNS_PORTS: IPort[] = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];

const CLUSTER_DNS: IPeer = {
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

/** In ambient mode ztunnel sends the kubelet's probes from a link-local address, which must be admitted explicitly. */
export function kubeletProbeIngress(mtls: MtlsMode): IIngressRule[] {
  return mtls === 'istio-ambient' ? [{ from: [{ ipBlock: { cidr: AMBIENT_PROBE_SOURCE_CIDR } }] }] : [];
}

/**
 * Default deny for every pod of the namespace, in and out, except DNS to the cluster resolver and the kubelet's probes.
 * Quarantined pods are left to the quarantine policy alone, which takes their DNS away too.
 */
export function defaultDenyPolicy(namespace: string, mtls: MtlsMode): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: DEFAULT_DENY_POLICY_NAME, namespace },
    spec: {
      podSelector: UNQUARANTINED_PODS,
      policyTypes: ['Ingress', 'Egress'],
      ingress: kubeletProbeIngress(mtls),
      egress: [{ to: [CLUSTER_DNS], ports: DNS_PORTS }],
    },
  };
}

/**
 * Ports a caller needs on a callee's pods: the service port, and in ambient mode the HBONE port that ztunnel
 * tunnels the connection through. Opening HBONE per edge rather than namespace-wide keeps every pair the catalogue
 * does not connect closed at the network layer too.
 */
function edgePorts(port: number, mtls: MtlsMode): IPort[] {
  const ports: IPort[] = [{ protocol: 'TCP', port }];
  return mtls === 'istio-ambient' ? [...ports, { protocol: 'TCP', port: HBONE_PORT }] : ports;
}

function peerOf(caller: Caller): IPeer {
  const namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: caller.namespace } };
  return caller.podLabels ? { namespaceSelector, podSelector: { matchLabels: { ...caller.podLabels } } } : { namespaceSelector };
}

/** Whether the service talks to AWS APIs (its table, its data prefix) with its Pod Identity credentials. */
export function usesAwsApis(service: ServiceDefinition): boolean {
  return service.table !== undefined || service.ownsDataPrefix;
}

/**
 * The service's own policy: ingress from exactly its callers in the catalogue (and the ingress if it has public
 * routes) and from `sourceCidrs` (the load balancer, for the edge), egress to exactly its callees, plus AWS APIs over
 * HTTPS and the Pod Identity agent if it owns AWS data.
 */
export function servicePolicy(
  catalogue: ServiceCatalogue,
  service: ServiceDefinition,
  mtls: MtlsMode,
  awsApiCidrs: readonly string[],
  sourceCidrs: readonly string[] = [],
): INetworkPolicy {
  const callers = callersOf(catalogue, service);
  const aws: IEgressRule[] = usesAwsApis(service)
    ? [
        { to: awsApiCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: 443 }] },
        { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [{ protocol: 'TCP', port: 80 }] },
      ]
    : [];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: service.name, namespace: service.namespace },
    spec: {
      podSelector: { matchLabels: workloadLabels(service) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        ...(callers.length > 0 ? [{ from: callers.map(peerOf), ports: edgePorts(service.port, mtls) }] : []),
        ...(sourceCidrs.length > 0
          ? [{ from: sourceCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP' as const, port: service.port }] }]
          : []),
      ],
      egress: [
        ...calleesOf(catalogue, service).map((callee) => ({
          to: [peerOf(asCaller(callee))],
          ports: edgePorts(callee.port, mtls),
        })),
        ...aws,
      ],
    },
  };
}
