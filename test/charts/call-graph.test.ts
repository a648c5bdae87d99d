import { SERVICE_CATALOGUE, ServiceCatalogue } from '../../lib/catalogue/service-catalogue';
import { MtlsMode } from '../../lib/config/platform-config';
import { HBONE_PORT } from '../../lib/charts/network-policies';
import { chartProps, Manifest, ofKind, synthPlatform, THREE_SERVICE_CATALOGUE, withEdge } from './support/chart-fixture';
import { meshAllows, nativeAllows, networkAllows, Workload } from '../../lib/evidence/access-layers';

/**
 * The consistency proof: for every (caller, service) pair, NetworkPolicies, the mesh layer (AuthorizationPolicies
 * in ambient mode; in native mode the certificates the charts issue and the allowlist the services enforce) and
 * the catalogue agree.
 */

interface Pair {
  readonly caller: string;
  readonly callee: string;
}

/** The workloads as the manifests declare them (labels, namespace, service account), plus the ingress. */
function workloads(catalogue: ServiceCatalogue, manifests: readonly Manifest[]): Map<string, Workload> {
  const principal = (ns: string, sa: string) => `${catalogue.trustDomain}/ns/${ns}/sa/${sa}`;
  const entries = ofKind(manifests, 'Deployment').map((d): [string, Workload] => [
    d.metadata.name,
    {
      namespace: d.metadata.namespace!,
      labels: d.spec.template.metadata.labels,
      principal: principal(d.metadata.namespace!, d.spec.template.spec.serviceAccountName),
    },
  ]);
  const { namespace, serviceAccount } = catalogue.ingress;
  return new Map([...entries, ['ingress', { namespace, labels: {}, principal: principal(namespace, serviceAccount) }]]);
}

/** What the catalogue says, read directly (not through lib/charts/call-graph.ts). */
function catalogueAllows(catalogue: ServiceCatalogue, { caller, callee }: Pair): boolean {
  const target = catalogue.services.find((s) => s.name === callee)!;
  return caller === 'ingress'
    ? target.routes.some((r) => r.public)
    : catalogue.services.find((s) => s.name === caller)!.calls.includes(callee);
}

/** Per layer, whether the pair is open in the manifests. */
function layers(
  catalogue: ServiceCatalogue,
  mtls: MtlsMode,
  pair: Pair,
  manifests: readonly Manifest[] = synthPlatform(chartProps({ catalogue, mtls })).all,
): Record<string, boolean> {
  const byName = workloads(catalogue, manifests);
  const source = byName.get(pair.caller)!;
  const destination = byName.get(pair.callee)!;
  const port = catalogue.services.find((s) => s.name === pair.callee)!.port;
  if (mtls === 'istio-ambient') {
    return {
      'network (service port)': networkAllows(manifests, source, destination, port),
      'network (HBONE)': networkAllows(manifests, source, destination, HBONE_PORT),
      'mesh AuthorizationPolicy': meshAllows(manifests, source, destination, port),
    };
  }
  return {
    'network (service port)': networkAllows(manifests, source, destination, port),
    'native mTLS (certificate and service allowlist)': nativeAllows(catalogue, manifests, source, pair.callee),
  };
}

function allPairs(catalogue: ServiceCatalogue): Pair[] {
  const callers = [...catalogue.services.map((s) => s.name), 'ingress'];
  return callers.flatMap((caller) => catalogue.services.filter((s) => s.name !== caller).map((s) => ({ caller, callee: s.name })));
}

function expectConsistent(catalogue: ServiceCatalogue, mtls: MtlsMode): void {
  const manifests = synthPlatform(chartProps({ catalogue, mtls })).all;
  for (const pair of allPairs(catalogue)) {
    const expected = catalogueAllows(catalogue, pair);
    const actual = layers(catalogue, mtls, pair, manifests);
    expect({ pair, layers: actual }).toEqual({ pair, layers: Object.fromEntries(Object.keys(actual).map((k) => [k, expected])) });
  }
}

describe.each(['istio-ambient', 'native'] as const)('%s: every layer agrees with the catalogue for every pair', (mtls) => {
  test('sample catalogue', () => expectConsistent(SERVICE_CATALOGUE, mtls));
  test('three services across two namespaces', () => expectConsistent(THREE_SERVICE_CATALOGUE, mtls));

  test('adding one edge to the catalogue opens it at every layer, and nothing else', () => {
    const pair = { caller: 'inventory', callee: 'orders' };
    expect(Object.values(layers(SERVICE_CATALOGUE, mtls, pair)).some(Boolean)).toBe(false);
    const changed = withEdge(SERVICE_CATALOGUE, 'inventory', 'orders');
    expect(Object.values(layers(changed, mtls, pair)).every(Boolean)).toBe(true);
    expectConsistent(changed, mtls);
  });
});

describe('the layer evaluators see a missing control', () => {
  const pair = { caller: 'ingress', callee: 'orders' };
  const manifests = synthPlatform(chartProps()).all;
  const without = (drop: (m: Manifest) => boolean) =>
    layers(
      SERVICE_CATALOGUE,
      'istio-ambient',
      pair,
      manifests.filter((m) => !drop(m)),
    );

  test('an open edge closes when its ALLOW policy or NetworkPolicy rule is gone', () => {
    expect(Object.values(layers(SERVICE_CATALOGUE, 'istio-ambient', pair, manifests)).every(Boolean)).toBe(true);
    expect(without((m) => m.kind === 'AuthorizationPolicy' && m.metadata.name.endsWith('-to-orders'))['mesh AuthorizationPolicy']).toBe(
      false,
    );
    const closed = layers(
      SERVICE_CATALOGUE,
      'istio-ambient',
      pair,
      manifests.map((m) => (m.kind === 'NetworkPolicy' && m.metadata.name === 'orders' ? { ...m, spec: { ...m.spec, ingress: [] } } : m)),
    );
    expect(closed['network (service port)']).toBe(false);
  });

  test('a closed pair opens when deny-all and the default-deny policies are gone', () => {
    const closedPair = { caller: 'inventory', callee: 'orders' };
    const open = layers(
      SERVICE_CATALOGUE,
      'istio-ambient',
      closedPair,
      manifests.filter((m) => m.kind !== 'AuthorizationPolicy' && m.kind !== 'NetworkPolicy'),
    );
    expect(Object.values(open).every(Boolean)).toBe(true);
  });
});
