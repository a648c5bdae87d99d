import { Testing } from 'cdk8s';
import { ServiceCatalogue } from '../../lib/catalogue/service-catalogue';
import { INGRESS_CONTAINER_PORT } from '../../lib/catalogue/service-contract';
import { createPlatformCharts } from '../../lib/charts';
import { HBONE_PORT } from '../../lib/charts/network-policies';
import { meshAllows, networkAllows, Workload } from '../../lib/evidence/access-layers';
import { MtlsMode } from '../../lib/config/platform-config';
import { quarantineLabelChanges } from '../../scripts/incident/quarantine-pod';
import { chartProps, digestImage, digestImages, Manifest, ofKind, THREE_SERVICE_CATALOGUE } from './support/chart-fixture';
import { REFERENCE_CATALOGUE } from '../support/catalogue';

/**
 * The quarantine, proven on the rendered charts with the same evaluators as the call graph: a pod as
 * `npm run incident -- quarantine-pod` leaves it (quarantine label added, the labels its Service and allow
 * NetworkPolicies select on removed) reaches nothing and is reached by nothing, in every configuration.
 */

interface Pod extends Workload {
  readonly name: string;
}

const CONFIGURATIONS: Array<[string, ServiceCatalogue, MtlsMode]> = [
  ['ambient, sample catalogue', REFERENCE_CATALOGUE, 'istio-ambient'],
  ['ambient, three services', THREE_SERVICE_CATALOGUE, 'istio-ambient'],
  ['native with the edge proxy, sample catalogue', REFERENCE_CATALOGUE, 'native'],
  ['native with the edge proxy, three services', THREE_SERVICE_CATALOGUE, 'native'],
];

function render(catalogue: ServiceCatalogue, mtls: MtlsMode): Manifest[] {
  const edge = mtls === 'native' ? { [catalogue.ingress.serviceAccount]: digestImage('edge') } : {};
  const charts = createPlatformCharts(
    Testing.app(),
    chartProps({ catalogue, mtls, images: { ...digestImages(catalogue), ...edge }, ingressSourceCidrs: ['10.10.0.0/16'] }),
  );
  return charts.all.flatMap((chart) => Testing.synth(chart) as Manifest[]);
}

const principal = (catalogue: ServiceCatalogue, namespace: string, serviceAccount: string) =>
  `${catalogue.trustDomain}/ns/${namespace}/sa/${serviceAccount}`;

/** Every pod the manifests run, the ambient ingress gateway (Istio's Helm chart runs it), and the cluster DNS. */
function pods(catalogue: ServiceCatalogue, manifests: readonly Manifest[]): Pod[] {
  const deployments = ofKind(manifests, 'Deployment').map((d) => ({
    name: d.metadata.name,
    namespace: d.metadata.namespace!,
    labels: d.spec.template.metadata.labels,
    principal: principal(catalogue, d.metadata.namespace!, d.spec.template.spec.serviceAccountName),
  }));
  const { namespace, serviceAccount } = catalogue.ingress;
  const gateway = ofKind(manifests, 'Gateway').map((g) => ({
    name: 'ingress-gateway (Helm)',
    namespace,
    labels: g.spec.selector,
    principal: principal(catalogue, namespace, serviceAccount),
  }));
  const dns = {
    name: 'kube-dns',
    namespace: 'kube-system',
    labels: { 'k8s-app': 'kube-dns' },
    principal: principal(catalogue, 'kube-system', 'coredns'),
  };
  return [...deployments, ...gateway, dns];
}

/** The pod after `quarantine-pod`, from the same function the toolkit applies, over the Services and policies of its namespace. */
function quarantined(pod: Pod, manifests: readonly Manifest[]): Pod {
  const inNamespace = (kind: string) => ofKind(manifests, kind).filter((m) => m.metadata.namespace === pod.namespace);
  const changes = quarantineLabelChanges(pod.labels, { services: inNamespace('Service'), networkPolicies: inNamespace('NetworkPolicy') });
  const labels = Object.fromEntries(Object.entries(pod.labels).filter(([key]) => !changes.remove.includes(key)));
  return { ...pod, labels: { ...labels, 'platform.internal/quarantine': 'true' } };
}

function ports(catalogue: ServiceCatalogue): number[] {
  return [...new Set([...catalogue.services.map((s) => s.port), HBONE_PORT, INGRESS_CONTAINER_PORT, 53, 443, 80])];
}

/** Every open path between the quarantined pod and the others, per layer; empty when it is isolated. */
function openPaths(
  catalogue: ServiceCatalogue,
  mtls: MtlsMode,
  manifests: readonly Manifest[],
  target: Pod,
  all: readonly Pod[],
): string[] {
  const open: string[] = [];
  for (const other of all.filter((p) => p !== target && p.name !== target.name)) {
    for (const port of ports(catalogue)) {
      if (networkAllows(manifests, target, other, port)) open.push(`network: ${target.name} -> ${other.name}:${port}`);
      if (networkAllows(manifests, other, target, port)) open.push(`network: ${other.name} -> ${target.name}:${port}`);
      if (mtls === 'istio-ambient' && meshAllows(manifests, other, target, port))
        open.push(`mesh: ${other.name} -> ${target.name}:${port}`);
    }
  }
  return open;
}

describe.each(CONFIGURATIONS)('%s', (_name, catalogue, mtls) => {
  const manifests = render(catalogue, mtls);
  const all = pods(catalogue, manifests);

  test.each(all.filter((p) => p.name !== 'kube-dns').map((p) => [p.name, p] as const))(
    'a quarantined %s reaches nothing and is reached by nothing',
    (_pod, pod) => {
      expect(openPaths(catalogue, mtls, manifests, quarantined(pod, manifests), all)).toEqual([]);
    },
  );

  test('the proof sees traffic: before the quarantine each pod has open paths', () => {
    for (const pod of all.filter((p) => p.name !== 'kube-dns')) expect(openPaths(catalogue, mtls, manifests, pod, all)).not.toEqual([]);
  });

  test('without the quarantine NetworkPolicy, a quarantined pod is open to every pod (default-deny leaves it to that policy)', () => {
    const withoutPolicy = manifests.filter((m) => !(m.kind === 'NetworkPolicy' && m.metadata.name === 'quarantine'));
    for (const pod of all.filter((p) => p.name !== 'kube-dns')) {
      expect(openPaths(catalogue, mtls, withoutPolicy, quarantined(pod, withoutPolicy), all)).toContain(
        `network: ${pod.name} -> kube-dns:53`,
      );
    }
  });
});

describe('ambient mode: the mesh DENY', () => {
  const manifests = render(REFERENCE_CATALOGUE, 'istio-ambient');
  const all = pods(REFERENCE_CATALOGUE, manifests);
  const orders = all.find((p) => p.name === 'orders')!;
  const ingress = all.find((p) => p.name.startsWith('ingress-gateway'))!;
  // Labelled only: still selected by its ALLOW policies (the relabelling step not yet done, or undone by hand).
  const labelledOnly = { ...orders, labels: { ...orders.labels, 'platform.internal/quarantine': 'true' } };

  test('refuses every caller of a pod that carries the quarantine label, even with its workload labels', () => {
    expect(meshAllows(manifests, ingress, orders, REFERENCE_CATALOGUE.services[0].port)).toBe(true);
    expect(meshAllows(manifests, ingress, labelledOnly, REFERENCE_CATALOGUE.services[0].port)).toBe(false);
  });

  test('without it, the ALLOW policies admit the callers again', () => {
    const withoutDeny = manifests.filter((m) => !(m.kind === 'AuthorizationPolicy' && m.spec.action === 'DENY'));
    expect(meshAllows(withoutDeny, ingress, labelledOnly, REFERENCE_CATALOGUE.services[0].port)).toBe(true);
  });

  test("cannot refuse the pod's own calls (Istio authorizes at the destination, by the identity it shares): NetworkPolicy does", () => {
    const inventory = all.find((p) => p.name === 'inventory')!;
    const target = quarantined(orders, manifests);
    expect(meshAllows(manifests, target, inventory, REFERENCE_CATALOGUE.services[1].port)).toBe(true);
    expect(networkAllows(manifests, target, inventory, REFERENCE_CATALOGUE.services[1].port)).toBe(false);
    expect(networkAllows(manifests, target, inventory, HBONE_PORT)).toBe(false);
  });
});
