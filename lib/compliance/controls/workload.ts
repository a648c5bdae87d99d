import { QUARANTINED_PODS, UNQUARANTINED_PODS } from '../../charts/quarantine-label';
import { Manifest } from '../../evidence/access-layers';
import { callPairs } from '../../evidence/call-pairs';
import { ofKind, podSpecs, text } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

/** The workload namespaces: every namespace a Deployment runs in. */
const workloadNamespaces = (manifests: readonly Manifest[]) => [
  ...new Set(ofKind(manifests, 'Deployment').map((d) => d.metadata.namespace)),
];

export const WORKLOAD_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'WL-1',
    title: 'Every workload namespace enforces Pod Security Standards "restricted"',
    category: 'workload',
    nist: ['CM-7', 'AC-6'],
    cisEks: ['4.2.1', '4.2.2', '4.2.3', '4.2.4', '4.2.5'],
    implementedIn: ['lib/charts/namespace.ts', 'lib/charts/platform-baseline-chart.ts'],
    provenBy: { file: 'test/charts/platform-baseline-chart.test.ts', test: 'enforces, audits and warns Pod Security restricted' },
    evidence: namespacesEnforceRestricted,
  },
  {
    id: 'WL-2',
    title:
      'Containers run as non-root with a read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault',
    category: 'workload',
    nist: ['CM-7', 'AC-6', 'SC-39'],
    cisEks: ['4.2.5', '4.2.6', '4.2.7', '4.2.8', '4.2.9', '4.6.2'],
    implementedIn: ['lib/charts/restricted-security-context.ts', 'lib/charts/service-chart.ts'],
    provenBy: { file: 'test/charts/service-chart.test.ts', test: 'container security context: non-root, read-only root filesystem' },
    evidence: containersRunRestricted,
  },
  {
    id: 'WL-3',
    title: 'Every workload namespace has a default-deny NetworkPolicy (ingress and egress; DNS to kube-dns only)',
    category: 'workload',
    nist: ['SC-7', 'AC-4'],
    cisEks: ['4.3.2'],
    implementedIn: ['lib/charts/network-policies.ts'],
    provenBy: { file: 'test/charts/platform-baseline-chart.test.ts', test: 'every pod isolated both ways, DNS to kube-dns only' },
    evidence: namespacesDenyByDefault,
  },
  {
    id: 'WL-4',
    title:
      "Exactly the catalogue's call edges are open, at every layer (NetworkPolicy, and mesh authorization or native mTLS allowlist); every other pair is closed",
    category: 'workload',
    nist: ['AC-4', 'AC-3', 'SC-7(5)'],
    cisEks: ['4.3.2'],
    implementedIn: [
      'lib/charts/call-graph.ts',
      'lib/charts/network-policies.ts',
      'lib/charts/mesh-authorization.ts',
      'lib/catalogue/caller-policy.ts',
    ],
    provenBy: { file: 'test/charts/call-graph.test.ts', test: 'sample catalogue' },
    evidence: onlyCatalogueCallsOpen,
  },
  {
    id: 'WL-5',
    title: 'Each workload runs as its own service account, without an automounted Kubernetes API token',
    category: 'workload',
    nist: ['AC-6', 'IA-9'],
    cisEks: ['4.1.5', '4.1.6', '5.2.1'],
    implementedIn: ['lib/charts/service-chart.ts'],
    provenBy: { file: 'test/charts/service-chart.test.ts', test: 'no token automount' },
    evidence: ownServiceAccountsWithoutToken,
  },
  {
    id: 'WL-6',
    title: 'Workloads live in their own namespaces (never default), each with a ResourceQuota and a LimitRange',
    category: 'workload',
    nist: ['SC-6', 'CM-7'],
    cisEks: ['4.5.1', '4.5.2'],
    implementedIn: ['lib/charts/namespace.ts', 'lib/charts/resource-budget.ts'],
    provenBy: { file: 'test/charts/platform-baseline-chart.test.ts', test: 'ResourceQuota sized for every service' },
    evidence: namespacesHaveQuotasAndLimits,
  },
  {
    id: 'WL-7',
    title: 'Secrets reach containers as read-only files, never as environment variables',
    category: 'workload',
    nist: ['SC-28', 'IA-5(7)'],
    cisEks: ['4.4.1'],
    implementedIn: ['lib/charts/service-chart.ts', 'lib/charts/workload-certificates.ts', 'lib/charts/service-secrets.ts'],
    provenBy: { file: 'test/charts/service-chart.test.ts', test: 'native mode: certificate secret mounted read-only' },
    evidence: secretsMountedReadOnly,
  },
];

export function namespacesEnforceRestricted({ manifests }: ControlEvidence): boolean {
  const namespaces = workloadNamespaces(manifests);
  return (
    namespaces.length > 0 &&
    namespaces.every((ns) =>
      ofKind(manifests, 'Namespace').some(
        (n) => n.metadata.name === ns && n.metadata.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted',
      ),
    )
  );
}

export function containersRunRestricted({ manifests }: ControlEvidence): boolean {
  return (
    podSpecs(manifests).length > 0 &&
    podSpecs(manifests).every(
      (spec) =>
        spec.securityContext?.seccompProfile?.type === 'RuntimeDefault' &&
        spec.securityContext?.runAsNonRoot === true &&
        spec.hostNetwork !== true &&
        spec.hostPID !== true &&
        spec.hostIPC !== true &&
        spec.containers.every(
          (c: any) =>
            c.securityContext?.allowPrivilegeEscalation === false &&
            c.securityContext?.privileged !== true &&
            c.securityContext?.readOnlyRootFilesystem === true &&
            text(c.securityContext?.capabilities?.drop) === '["ALL"]' &&
            c.securityContext?.capabilities?.add === undefined,
        ),
    )
  );
}

export function namespacesDenyByDefault({ manifests }: ControlEvidence): boolean {
  const namespaces = workloadNamespaces(manifests);
  const policiesIn = (ns: string | undefined) => ofKind(manifests, 'NetworkPolicy').filter((p) => p.metadata.namespace === ns);
  const selects = (p: Manifest, selector: object) => text(p.spec.podSelector ?? {}) === text(selector);
  // Both ways, ingress only from a single link-local address: the kubelet probes ztunnel sends in ambient mode.
  const deniesBothWays = (p: Manifest) =>
    ['Ingress', 'Egress'].every((t) => (p.spec.policyTypes ?? []).includes(t)) &&
    (p.spec.ingress ?? []).every(
      (rule: any) =>
        (rule.from ?? []).length > 0 && rule.from.every((peer: any) => /^169\.254\.\d+\.\d+\/32$/.test(peer.ipBlock?.cidr ?? '')),
    );
  const dnsOnly = (p: Manifest) =>
    (p.spec.egress ?? []).every((rule: any) => text(rule.ports).includes('53') && text(rule.to).includes('kube-dns'));
  // Every pod: the default-deny selects all, or all but the quarantined, which a policy without egress isolates.
  const quarantineIsolated = (ns: string | undefined) =>
    policiesIn(ns).some((p) => selects(p, QUARANTINED_PODS) && deniesBothWays(p) && (p.spec.egress ?? []).length === 0);
  return (
    namespaces.length > 0 &&
    namespaces.every((ns) =>
      policiesIn(ns).some(
        (p) => (selects(p, {}) || (selects(p, UNQUARANTINED_PODS) && quarantineIsolated(ns))) && deniesBothWays(p) && dnsOnly(p),
      ),
    )
  );
}

export function onlyCatalogueCallsOpen({ manifests, catalogue }: ControlEvidence): boolean {
  const pairs = ofKind(manifests, 'Deployment').length > 0 ? callPairs(catalogue, manifests) : [];
  return pairs.length > 0 && pairs.every((p) => Object.values(p.layers).every((open) => open === p.allowedByCatalogue));
}

export function ownServiceAccountsWithoutToken({ manifests }: ControlEvidence): boolean {
  return (
    podSpecs(manifests).length > 0 &&
    podSpecs(manifests).every(
      (spec) =>
        spec.automountServiceAccountToken === false && spec.serviceAccountName !== undefined && spec.serviceAccountName !== 'default',
    ) &&
    ofKind(manifests, 'ServiceAccount').every((sa) => sa.automountServiceAccountToken === false)
  );
}

export function namespacesHaveQuotasAndLimits({ manifests }: ControlEvidence): boolean {
  const namespaces = workloadNamespaces(manifests);
  return (
    namespaces.length > 0 &&
    !namespaces.includes('default') &&
    !namespaces.includes(undefined) &&
    namespaces.every((ns) =>
      ['ResourceQuota', 'LimitRange'].every((kind) => ofKind(manifests, kind).some((m) => m.metadata.namespace === ns)),
    )
  );
}

export function secretsMountedReadOnly({ manifests }: ControlEvidence): boolean {
  return (
    podSpecs(manifests).length > 0 &&
    podSpecs(manifests).every(
      (spec) =>
        !text(spec.containers).includes('secretKeyRef') &&
        !text(spec.containers).includes('secretRef') &&
        (spec.containers as any[]).every((c) =>
          (c.volumeMounts ?? []).every((m: any) => {
            const volume = (spec.volumes ?? []).find((v: any) => v.name === m.name);
            // Kubernetes Secrets and Secrets Store CSI volumes (Secrets Manager) alike.
            const holdsSecrets = volume?.secret !== undefined || volume?.csi !== undefined;
            return !holdsSecrets || (m.readOnly === true && (volume.csi === undefined || volume.csi.readOnly === true));
          }),
        ),
    )
  );
}
