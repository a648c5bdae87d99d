import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { MtlsMode } from '../catalogue/service-contract';
import { kubeletProbeIngress } from './network-policies';
import { QUARANTINED_PODS } from './quarantine-label';

/** Name of the quarantine policies (NetworkPolicy and, in ambient mode, AuthorizationPolicy) in every namespace. */
export const QUARANTINE_POLICY_NAME = 'quarantine';

/**
 * Cuts a quarantined pod off at the network layer, both ways: no egress at all (not even DNS, a common exfiltration
 * channel), no ingress but the kubelet's probes, which keep the container alive (and its memory intact) for forensics.
 * It isolates only if no other policy admits the pod: the default-deny skips quarantined pods, and the toolkit removes
 * the labels the Service (and so the service's own policy) selects on.
 */
export function quarantineNetworkPolicy(namespace: string, mtls: MtlsMode): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: QUARANTINE_POLICY_NAME, namespace },
    spec: { podSelector: QUARANTINED_PODS, policyTypes: ['Ingress', 'Egress'], ingress: kubeletProbeIngress(mtls), egress: [] },
  };
}

/**
 * The mesh's own refusal, which no ALLOW policy can override: every request to a quarantined pod is denied, even while
 * it still carries its workload labels. A DENY needs a rule to match anything: `{}` matches every request. (Egress
 * cannot be refused here: Istio authorizes at the destination by identity, which the pod shares with its replicas.)
 */
export function quarantineAuthorizationPolicy(namespace: string): IAuthorizationPolicy {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: QUARANTINE_POLICY_NAME, namespace },
    spec: { action: 'DENY', selector: QUARANTINED_PODS, rules: [{}] },
  };
}

/** What a namespace needs installed before an incident: the NetworkPolicy, and the mesh DENY in ambient mode. */
export function quarantinePolicies(namespace: string, mtls: MtlsMode): Array<INetworkPolicy | IAuthorizationPolicy> {
  return mtls === 'istio-ambient'
    ? [quarantineNetworkPolicy(namespace, mtls), quarantineAuthorizationPolicy(namespace)]
    : [quarantineNetworkPolicy(namespace, mtls)];
}
