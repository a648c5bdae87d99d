import { PeerCertificate } from 'node:tls';
import { SERVICE_CATALOGUE } from '../../../lib/catalogue/service-catalogue';
import { allowedCallers } from '../../../lib/catalogue/caller-policy';
import { spiffeIdOf } from '../src/mtls/spiffe-identity';

const withSan = (subjectaltname: string) => ({ subjectaltname }) as PeerCertificate;

describe('spiffeIdOf', () => {
  test('reads the single spiffe:// URI SAN next to other SANs', () => {
    expect(spiffeIdOf(withSan('DNS:orders, URI:spiffe://cluster.local/ns/shop/sa/orders, IP Address:127.0.0.1'))).toBe(
      'spiffe://cluster.local/ns/shop/sa/orders',
    );
  });

  test.each([
    ['no SAN', undefined],
    ['no URI SAN', 'DNS:orders'],
    ['two URI SANs', 'URI:spiffe://cluster.local/ns/a/sa/a, URI:spiffe://cluster.local/ns/b/sa/b'],
    ['a non-SPIFFE URI', 'URI:https://cluster.local/ns/shop/sa/orders'],
  ])('%s: no identity', (_case, san) => {
    expect(spiffeIdOf(san === undefined ? undefined : withSan(san))).toBeUndefined();
  });
});

describe('allowedCallers', () => {
  const inventory = SERVICE_CATALOGUE.services.find((s) => s.name === 'inventory')!;
  const route = inventory.routes[0];

  test('a public route admits the ingress identity and the callers along the call graph', () => {
    expect([...allowedCallers(SERVICE_CATALOGUE, inventory, route)].sort()).toEqual([
      'spiffe://cluster.local/ns/platform-ingress/sa/ingress-gateway',
      'spiffe://cluster.local/ns/shop/sa/orders',
    ]);
  });

  test('an internal route admits only callers along the call graph', () => {
    expect([...allowedCallers(SERVICE_CATALOGUE, inventory, { ...route, public: false })]).toEqual([
      'spiffe://cluster.local/ns/shop/sa/orders',
    ]);
  });
});
