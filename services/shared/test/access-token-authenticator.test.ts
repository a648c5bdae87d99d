import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { AccessTokenAuthenticator, requireScope } from '../src/auth/access-token-authenticator';
import { AccessTokenClaims, createCognitoVerifier } from '../src/auth/cognito-verifier';
import { VerifiedTokenCache } from '../src/auth/verified-token-cache';
import { CLIENT_ID, createTestCognito, TestCognito, TokenClaims, USER_POOL_ID } from './support/test-cognito';

const TOKEN = 'aaa.bbb.ccc';

function authenticatorWith(verify: (token: string) => Promise<AccessTokenClaims>) {
  const verifier = { verify: jest.fn(verify) };
  return { verifier, authenticator: new AccessTokenAuthenticator(verifier, new VerifiedTokenCache(100)) };
}

const claims = (scope: string): AccessTokenClaims => ({ sub: 'u', client_id: 'c', scope, exp: Date.now() / 1000 + 60 });

test('each distinct token is verified once, then served from the cache (scopes still checked per route)', async () => {
  const { verifier, authenticator } = authenticatorWith(async () => claims('inventory/read'));
  for (let i = 0; i < 5; i++) requireScope(await authenticator.authenticate(`Bearer ${TOKEN}`), 'inventory/read');
  const cached = await authenticator.authenticate(`Bearer ${TOKEN}`);
  expect(() => requireScope(cached, 'inventory/write')).toThrow(expect.objectContaining({ status: 403 }));
  expect(verifier.verify).toHaveBeenCalledTimes(1);
});

test('a rejected token is 401 and not cached', async () => {
  const { verifier, authenticator } = authenticatorWith(async () => {
    throw new JwtExpiredError('expired', 0);
  });
  await expect(authenticator.authenticate(`Bearer ${TOKEN}`)).rejects.toMatchObject({ status: 401 });
  await expect(authenticator.authenticate(`Bearer ${TOKEN}`)).rejects.toMatchObject({ status: 401 });
  expect(verifier.verify).toHaveBeenCalledTimes(2);
});

test.each(['', 'Basic abc', `bearer ${TOKEN}`, `Bearer ${TOKEN} extra`, 'Bearer a.b'])(
  'header %j is 401 without verification',
  async (header) => {
    const { verifier, authenticator } = authenticatorWith(async () => claims('s'));
    await expect(authenticator.authenticate(header)).rejects.toMatchObject({ status: 401 });
    expect(verifier.verify).not.toHaveBeenCalled();
  },
);

describe('with a pool-signed token, the claims policy', () => {
  let dir: string;
  let cognito: TestCognito;
  let authenticator: AccessTokenAuthenticator;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const bearer = (claims: TokenClaims) => `Bearer ${cognito.mint(['orders/read', 'orders/write'], claims)}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'authenticator-test-'));
    cognito = createTestCognito(dir);
    const verifier = createCognitoVerifier({
      userPoolId: USER_POOL_ID,
      clientIds: [CLIENT_ID],
      jwksFile: cognito.jwksFile,
      maxTokenLifetimeSeconds: 3600,
      clockSkewSeconds: 60,
    });
    authenticator = new AccessTokenAuthenticator(verifier, new VerifiedTokenCache(100));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('accepts a token as the pool issues it, with its scopes', async () => {
    const principal = await authenticator.authenticate(bearer({}));
    expect(principal).toMatchObject({ subject: 'user-123', clientId: CLIENT_ID, scopes: new Set(['orders/read', 'orders/write']) });
  });

  test('accepts iat 30 s ahead, inside the clock skew', async () => {
    await expect(authenticator.authenticate(bearer({ iat: nowSeconds() + 30 }))).resolves.toMatchObject({ subject: 'user-123' });
  });

  test.each<[string, () => TokenClaims]>([
    ['without sub', () => ({ sub: undefined })],
    ['without exp', () => ({ exp: undefined })],
    ['without iat', () => ({ iat: undefined })],
    ['with iat 5 minutes ahead', () => ({ iat: nowSeconds() + 300, exp: nowSeconds() + 900 })],
    ['with nbf 5 minutes ahead', () => ({ nbf: nowSeconds() + 300 })],
    ['living 2 h when the pool issues 1 h', () => ({ iat: nowSeconds(), exp: nowSeconds() + 7200 })],
  ])('refuses a token %s with 401 invalid_token', async (_, claims) => {
    await expect(authenticator.authenticate(bearer(claims()))).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/^invalid bearer token/),
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  });
});
