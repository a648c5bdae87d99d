import { Principal, VerifiedTokenCache } from '../src/auth/verified-token-cache';

const principal = (token: string): Principal => ({ subject: 's', clientId: 'c', scopes: new Set(), token });

test('an entry is served until the token expires, never after', () => {
  let now = 1_000;
  const cache = new VerifiedTokenCache(10, () => now);
  cache.set(principal('t1'), 2_000);
  expect(cache.get('t1')?.token).toBe('t1');
  now = 2_000;
  expect(cache.get('t1')).toBeUndefined();
  expect(cache.size).toBe(0);
});

test('an already expired token is not cached', () => {
  const cache = new VerifiedTokenCache(10, () => 5_000);
  cache.set(principal('old'), 4_999);
  expect(cache.size).toBe(0);
});

test('the cache is bounded: the oldest entry makes room', () => {
  const cache = new VerifiedTokenCache(2, () => 0);
  ['a', 'b', 'c'].forEach((token) => cache.set(principal(token), 10));
  expect(cache.size).toBe(2);
  expect(cache.get('a')).toBeUndefined();
  expect(cache.get('c')?.token).toBe('c');
});

test("a token that only shares the cached one's signature is not served from the cache", () => {
  const cache = new VerifiedTokenCache(10, () => 0);
  const signature = 'S'.repeat(64);
  cache.set(principal(`header.claims-of-alice.${signature}`), 10);
  expect(cache.get(`header.claims-of-mallory.${signature}`)).toBeUndefined();
  expect(cache.get(`header.claims-of-alice.${signature}`)?.token).toBe(`header.claims-of-alice.${signature}`);
});
