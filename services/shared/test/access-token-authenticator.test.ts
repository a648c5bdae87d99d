import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { AccessTokenAuthenticator, requireScope } from '../src/auth/access-token-authenticator';
import { AccessTokenClaims, createCognitoVerifier } from '../src/auth/cognito-verifier';
import { VerifiedTokenCache } from '../src/auth/verified-token-cache';
import { CognitoConfig } from '../src/config/shared-config';
import { CLIENT_ID, createTestCognito, TestCognito, TokenClaims, USER_POOL_ID } from './support/test-cognito';
import { capturingLogger, loggedLine } from './support/test-logger';

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

/** The test pool's settings, its JWKS re-read every 20 ms. */
const poolConfig = (cognito: TestCognito): CognitoConfig => ({
  userPoolId: USER_POOL_ID,
  clientIds: [CLIENT_ID],
  jwksFile: cognito.jwksFile,
  jwksReloadIntervalMs: 20,
  maxTokenLifetimeSeconds: 3600,
  clockSkewSeconds: 60,
});

describe('with a pool-signed token, the claims policy', () => {
  let dir: string;
  let cognito: TestCognito;
  let authenticator: AccessTokenAuthenticator;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const bearer = (claims: TokenClaims) => `Bearer ${cognito.mint(['orders/read', 'orders/write'], claims)}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'authenticator-test-'));
    cognito = createTestCognito(dir);
    authenticator = new AccessTokenAuthenticator(
      createCognitoVerifier(poolConfig(cognito), capturingLogger('orders')),
      new VerifiedTokenCache(100),
    );
  });
  afterAll(() => {
    authenticator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

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

describe('a JWKS file the operator changes', () => {
  let dir: string;
  let cognito: TestCognito;
  let logger: ReturnType<typeof capturingLogger>;
  let authenticator: AccessTokenAuthenticator;
  const bearer = () => `Bearer ${cognito.mint(['orders/read'])}`;
  /** Resolves once the service logs `message` (the file is re-read every 20 ms). */
  const logged = (message: string) => loggedLine(logger, (line) => line.msg === message);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jwks-reload-'));
    cognito = createTestCognito(dir);
    logger = capturingLogger('orders');
    authenticator = new AccessTokenAuthenticator(createCognitoVerifier(poolConfig(cognito), logger), new VerifiedTokenCache(100));
  });
  afterEach(() => {
    authenticator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a removed signing key stops verifying within the reload interval, for tokens verified before too', async () => {
    const verifiedBefore = bearer();
    const unseen = bearer();
    await authenticator.authenticate(verifiedBefore);
    // The pool's key is replaced by another: the operator revokes a key thought compromised.
    const other = {
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
      kid: 'pool-key-2',
      alg: 'RS256',
      use: 'sig',
    };
    writeFileSync(cognito.jwksFile, JSON.stringify({ keys: [other] }));
    await logged('token signing keys reloaded');
    await expect(authenticator.authenticate(verifiedBefore)).rejects.toMatchObject({ status: 401 });
    await expect(authenticator.authenticate(unseen)).rejects.toMatchObject({ status: 401 });
  });

  test('a file that is not a JWKS keeps the current keys, and says why without quoting it', async () => {
    writeFileSync(cognito.jwksFile, '{"keys": "secret-looking text"}');
    await logged('token signing keys not reloaded, keeping the current ones');
    await expect(authenticator.authenticate(bearer())).resolves.toMatchObject({ subject: 'user-123' });
    expect(logger.lines.join('\n')).not.toContain('secret-looking');
  });
});
