import { checkTokenClaims, PolicyClaims, TokenClaimsError } from '../src/auth/claims-policy';

const NOW_SECONDS = 1_700_000_000;
const limits = { maxTokenLifetimeSeconds: 3600, clockSkewSeconds: 60 };
const issuedNow = { sub: 'user-1', iat: NOW_SECONDS, exp: NOW_SECONDS + 900 };
const check = (claims: PolicyClaims) => () => checkTokenClaims({ sub: 'user-1', ...claims }, limits, NOW_SECONDS * 1000);

test.each<[string, PolicyClaims]>([
  ['issued now, valid for the pool lifetime', issuedNow],
  ['with iat 30 s ahead, inside the clock skew', { iat: NOW_SECONDS + 30, exp: NOW_SECONDS + 930 }],
  ['with iat exactly at the clock skew', { iat: NOW_SECONDS + 60, exp: NOW_SECONDS + 960 }],
  ['with nbf inside the clock skew', { ...issuedNow, nbf: NOW_SECONDS + 60 }],
  ['living exactly as long as the pool issues', { iat: NOW_SECONDS, exp: NOW_SECONDS + 3600 }],
])('accepts a token %s', (_, claims) => {
  expect(check(claims)).not.toThrow();
});

test.each<[string, PolicyClaims, string]>([
  ['without sub', { ...issuedNow, sub: undefined }, 'sub claim missing or not a string'],
  ['with an empty sub', { ...issuedNow, sub: '' }, 'sub claim missing or not a string'],
  ['without exp', { iat: NOW_SECONDS }, 'exp claim missing or not a number'],
  ['with a string exp', { ...issuedNow, exp: String(NOW_SECONDS + 900) }, 'exp claim missing or not a number'],
  ['without iat', { exp: NOW_SECONDS + 900 }, 'iat claim missing or not a number'],
  ['with a non-finite iat', { ...issuedNow, iat: Number.NaN }, 'iat claim missing or not a number'],
  ['with a string nbf', { ...issuedNow, nbf: 'now' }, 'nbf claim not a number'],
  ['with iat 5 minutes ahead', { iat: NOW_SECONDS + 300, exp: NOW_SECONDS + 1200 }, 'iat is in the future'],
  ['with iat 1 s past the clock skew', { iat: NOW_SECONDS + 61, exp: NOW_SECONDS + 961 }, 'iat is in the future'],
  ['with nbf 5 minutes ahead', { ...issuedNow, nbf: NOW_SECONDS + 300 }, 'nbf is in the future'],
  ['living 2 h when the pool issues 1 h', { iat: NOW_SECONDS, exp: NOW_SECONDS + 7200 }, 'lifetime is longer than the pool issues'],
  ['living 1 s longer than the pool issues', { iat: NOW_SECONDS, exp: NOW_SECONDS + 3601 }, 'lifetime is longer than the pool issues'],
])('refuses a token %s', (_, claims, message) => {
  expect(check(claims)).toThrow(TokenClaimsError);
  expect(check(claims)).toThrow(message);
});

test('a zero clock skew accepts iat at the current second only', () => {
  const strict = { ...limits, clockSkewSeconds: 0 };
  expect(() => checkTokenClaims(issuedNow, strict, NOW_SECONDS * 1000)).not.toThrow();
  expect(() => checkTokenClaims({ ...issuedNow, iat: NOW_SECONDS + 1 }, strict, NOW_SECONDS * 1000)).toThrow('iat is in the future');
});
