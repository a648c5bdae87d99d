import type { INamespace } from 'kubernetes-models/v1/Namespace';
import { MtlsMode } from '../catalogue/service-contract';

/** The Kubernetes minor version whose `restricted` profile is enforced; raise it with the cluster version. */
export const POD_SECURITY_VERSION = 'v1.35';

/**
 * Pod Security Admission labels: enforce `restricted` at the pinned version (an upgrade cannot start rejecting
 * running workloads), and audit and warn at `latest` so new controls show up before they are enforced.
 */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

/** Enrols every pod of the namespace in the Istio ambient mesh (ztunnel), with no sidecar. */
export const AMBIENT_MESH_LABELS: Readonly<Record<string, string>> = { 'istio.io/dataplane-mode': 'ambient' };

/**
 * Has the AWS Load Balancer Controller give each new pod a readiness gate that holds until its target is healthy in
 * the target group, so a rollout does not stop old load-balanced pods before their replacements take traffic. The
 * controller's pod webhook fails open (`failurePolicy: Ignore`): while it is down, pods start without the gate.
 */
export const TARGET_READINESS_GATE_LABELS: Readonly<Record<string, string>> = { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' };

/**
 * A namespace of service workloads: restricted pod security always, ambient mesh membership in ambient mode, and
 * target-group readiness gates where the pods are load balancer targets (the ingress).
 */
export function platformNamespace(name: string, mtls: MtlsMode, loadBalancerTargets = false): INamespace {
  const mesh = mtls === 'istio-ambient' ? AMBIENT_MESH_LABELS : {};
  const gates = loadBalancerTargets ? TARGET_READINESS_GATE_LABELS : {};
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...POD_SECURITY_LABELS, ...mesh, ...gates } },
  };
}
