import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { callPairs } from '../../lib/evidence/call-pairs';
import { platformManifests } from '../../lib/report/build-report';
import { chartProps, synthPlatform, THREE_SERVICE_CATALOGUE, withEdge } from '../charts/support/chart-fixture';
import { buildPlatform, SUPPORTED_CONFIGURATIONS } from '../support/platform-fixture';

describe.each(['istio-ambient', 'native'] as const)('%s', (mtls) => {
  const layerName = mtls === 'native' ? 'native mTLS allowlist' : 'mesh AuthorizationPolicy';

  test.each([
    ['sample', REFERENCE_CATALOGUE],
    ['three-service', THREE_SERVICE_CATALOGUE],
  ] as const)('%s catalogue: every ordered pair, every layer agrees with the catalogue', (_name, catalogue) => {
    const pairs = callPairs(catalogue, synthPlatform(chartProps({ catalogue, mtls })).all);
    expect(pairs).toHaveLength((catalogue.services.length + 1) * catalogue.services.length - catalogue.services.length);
    for (const pair of pairs) {
      expect(Object.keys(pair.layers)).toEqual(['NetworkPolicy', layerName]);
      expect({ pair: `${pair.from}->${pair.to}`, layers: Object.values(pair.layers) }).toEqual({
        pair: `${pair.from}->${pair.to}`,
        layers: [pair.allowedByCatalogue, pair.allowedByCatalogue],
      });
    }
  });

  test('a pair the catalogue opens carries the scopes of the routes the caller may use', () => {
    const pairs = callPairs(
      withEdge(REFERENCE_CATALOGUE, 'inventory', 'orders'),
      synthPlatform(chartProps({ catalogue: withEdge(REFERENCE_CATALOGUE, 'inventory', 'orders'), mtls })).all,
    );
    const opened = pairs.find((p) => p.from === 'inventory' && p.to === 'orders')!;
    expect(opened.allowedByCatalogue).toBe(true);
    expect(opened.scopes).toEqual(expect.arrayContaining(['orders/read', 'orders/write']));
  });
});

test("native mode with the edge proxy rendered: the ingress is the proxy's pods, and every layer agrees with the catalogue", () => {
  const { platform } = buildPlatform(SUPPORTED_CONFIGURATIONS['native mTLS']);
  const manifests = platformManifests(platform);
  expect(manifests.some((m) => m.kind === 'Deployment' && m.metadata.namespace === REFERENCE_CATALOGUE.ingress.namespace)).toBe(true);
  const disagreeing = callPairs(REFERENCE_CATALOGUE, manifests).filter((p) =>
    Object.values(p.layers).some((open) => open !== p.allowedByCatalogue),
  );
  expect(disagreeing).toEqual([]);
});
