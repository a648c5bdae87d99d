import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { allowedCallers } from '../catalogue/caller-policy';
import { NAMESPACE_NAME_LABEL } from '../charts/call-graph';

/** A rendered Kubernetes object, loosely typed so the evaluators can reach any field. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: any };
  [key: string]: any;
};

function ofKind(manifests: readonly Manifest[], kind: string, name?: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
}

/**
 * Small evaluators of what the synthesized manifests allow, one per layer, written from the Kubernetes and Istio
 * semantics rather than from our code, so the consistency test (test/charts/call-graph.test.ts) and the reviewer
 * report compare layers without re-typing the wiring.
 * They support what the charts use (matchLabels, numeric ports) and fail loudly on anything else.
 */

export interface Workload {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `<trust domain>/ns/<ns>/sa/<sa>`. */
  readonly principal: string;
}

/** A Kubernetes label selector: every matchLabels entry and every matchExpressions requirement must hold. */
function matches(selector: Record<string, any> | undefined, labels: Readonly<Record<string, string>>): boolean {
  const expressions: Array<{ key: string; operator: string; values?: string[] }> = selector?.matchExpressions ?? [];
  return (
    Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    expressions.every(({ key, operator, values = [] }) => {
      const present = Object.prototype.hasOwnProperty.call(labels, key);
      if (operator === 'In') return present && values.includes(labels[key]);
      if (operator === 'NotIn') return !present || !values.includes(labels[key]);
      if (operator === 'Exists') return present;
      if (operator === 'DoesNotExist') return !present;
      throw new Error(`evaluator: selector operator ${operator} unsupported`);
    })
  );
}

function namespaceLabels(manifests: readonly Manifest[], namespace: string): Record<string, string> {
  const declared = ofKind(manifests, 'Namespace', namespace)[0]?.metadata.labels ?? {};
  return { ...declared, [NAMESPACE_NAME_LABEL]: namespace };
}

function peerMatches(manifests: readonly Manifest[], policyNamespace: string, peer: Record<string, any>, pod: Workload): boolean {
  // Pod IPs are not modelled: only the all-addresses block can contain one.
  if (peer.ipBlock) return peer.ipBlock.cidr === '0.0.0.0/0';
  const inNamespace = peer.namespaceSelector
    ? matches(peer.namespaceSelector, namespaceLabels(manifests, pod.namespace))
    : pod.namespace === policyNamespace;
  return inNamespace && (peer.podSelector === undefined || matches(peer.podSelector, pod.labels));
}

function portMatches(ports: Array<Record<string, any>> | undefined, port: number): boolean {
  return ports === undefined || ports.length === 0 || ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && p.port === port);
}

function direction(manifests: readonly Manifest[], self: Workload, other: Workload, port: number, type: 'Ingress' | 'Egress'): boolean {
  const policies = ofKind(manifests, 'NetworkPolicy').filter(
    (p) =>
      p.metadata.namespace === self.namespace &&
      matches(p.spec.podSelector, self.labels) &&
      (p.spec.policyTypes ?? ['Ingress']).includes(type),
  );
  if (policies.length === 0) return true; // not isolated in this direction
  const field = type === 'Ingress' ? 'ingress' : 'egress';
  const peers = type === 'Ingress' ? 'from' : 'to';
  return policies.some((p) =>
    (p.spec[field] ?? []).some(
      (rule: Record<string, any>) =>
        portMatches(rule.ports, port) &&
        (rule[peers] === undefined ||
          rule[peers].length === 0 ||
          rule[peers].some((peer: Record<string, any>) => peerMatches(manifests, p.metadata.namespace!, peer, other))),
    ),
  );
}

/** Whether NetworkPolicies let `source` open a TCP connection to `destination` on `port`. */
export function networkAllows(manifests: readonly Manifest[], source: Workload, destination: Workload, port: number): boolean {
  return direction(manifests, source, destination, port, 'Egress') && direction(manifests, destination, source, port, 'Ingress');
}

/**
 * Whether Istio AuthorizationPolicies (ALLOW and DENY, L4 attributes) admit `source`'s identity to `destination` on
 * `port`: a matching DENY refuses; otherwise, with no ALLOW policy the request passes, with some one must match. A rule
 * `{}` matches every request; a policy without rules matches none (so an ALLOW without rules allows nothing).
 */
export function meshAllows(manifests: readonly Manifest[], source: Workload, destination: Workload, port: number): boolean {
  const applicable = ofKind(manifests, 'AuthorizationPolicy').filter(
    (p) => p.metadata.namespace === destination.namespace && matches(p.spec.selector, destination.labels),
  );
  const actionOf = (p: Manifest): string => p.spec.action ?? 'ALLOW';
  if (applicable.some((p) => !['ALLOW', 'DENY'].includes(actionOf(p))))
    throw new Error('evaluator: only ALLOW and DENY policies supported');
  const matchesRequest = (p: Manifest) =>
    (p.spec.rules ?? []).some(
      (rule: Record<string, any>) =>
        (rule.from ?? [{}]).some(
          (f: Record<string, any>) => f.source?.principals === undefined || f.source.principals.includes(source.principal),
        ) &&
        (rule.to ?? [{}]).some((t: Record<string, any>) => t.operation?.ports === undefined || t.operation.ports.includes(String(port))),
    );
  if (applicable.some((p) => actionOf(p) === 'DENY' && matchesRequest(p))) return false;
  const allows = applicable.filter((p) => actionOf(p) === 'ALLOW');
  return allows.length === 0 || allows.some(matchesRequest);
}

/**
 * Whether native-mode mTLS lets `source` in: a Certificate gives the source its SPIFFE id to present, and the
 * allowlist the destination service enforces (services/shared, compiled from the same catalogue) accepts that id
 * on at least one route.
 */
export function nativeAllows(catalogue: ServiceCatalogue, manifests: readonly Manifest[], source: Workload, destination: string): boolean {
  const id = `spiffe://${source.principal}`;
  const service = catalogue.services.find((s) => s.name === destination)!;
  const accepted = service.routes.some((route) => allowedCallers(catalogue, service, route).has(id));
  const presentable = ofKind(manifests, 'Certificate').some(
    (c) => c.metadata.namespace === source.namespace && (c.spec.uris ?? []).includes(id),
  );
  return accepted && presentable;
}
