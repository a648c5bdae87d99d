import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { ServiceCatalogue, ServiceDefinition } from '../catalogue/service-catalogue';
import { Caller, callersOf, meshPrincipal, workloadLabels } from './call-graph';

/** Name of the namespace-wide deny-all AuthorizationPolicy. */
export const DENY_ALL_POLICY_NAME = 'deny-all';

/**
 * Istio's "allow nothing" policy: an ALLOW policy without rules matches no request, so every workload of the
 * namespace refuses all traffic unless another ALLOW policy admits it. (A DENY policy would override those.)
 */
export function denyAllPolicy(namespace: string): IAuthorizationPolicy {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: DENY_ALL_POLICY_NAME, namespace },
    spec: {},
  };
}

/** The name of the policy admitting one caller to one service. */
export function edgePolicyName(service: ServiceDefinition, caller: Caller): string {
  return `allow-${caller.namespace}-${caller.serviceAccount}-to-${service.name}`;
}

/**
 * One ALLOW policy per call edge: the caller's mTLS identity (its SPIFFE principal) may reach the service's port.
 * Only L4 attributes (principal, port), which ztunnel enforces without a waypoint proxy.
 */
export function edgeAuthorizationPolicies(catalogue: ServiceCatalogue, service: ServiceDefinition): IAuthorizationPolicy[] {
  return callersOf(catalogue, service).map((caller) => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: edgePolicyName(service, caller), namespace: service.namespace },
    spec: {
      action: 'ALLOW',
      selector: { matchLabels: workloadLabels(service) },
      rules: [
        {
          from: [{ source: { principals: [meshPrincipal(catalogue, caller)] } }],
          to: [{ operation: { ports: [String(service.port)] } }],
        },
      ],
    },
  }));
}
