import { createSign, generateKeyPairSync, KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const USER_POOL_ID = 'eu-west-1_TestPool1';
export const CLIENT_ID = 'test-client-id';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`;
const KID = 'pool-key-1';

export type TokenClaims = Record<string, string | number | undefined>;

export interface TestCognito {
  /** Path of the pool's JWKS, for COGNITO_JWKS_FILE. */
  readonly jwksFile: string;
  /** A Cognito-shaped access token; `claims` override the defaults. */
  mint(scopes: string[], claims?: TokenClaims, options?: { key?: 'forged-same-kid' | 'forged-other-kid' }): string;
}

// RSA key generation is the slowest step of most test set-ups: one pool key and one forger key per module registry (a
// test file, or a group of them), each made on first use (tokens of one suite's pool are never meant to fail in
// another's: forging is what the forger is for).
let pool: { publicKey: KeyObject; privateKey: KeyObject } | undefined;
let forger: KeyObject | undefined;
const poolKey = () => (pool ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));

/**
 * A local stand-in for a user pool's signing keys: a JWKS file and RS256 tokens, no network. Signed with
 * node:crypto because jose 6 is ESM-only and the repository's jest runs CommonJS.
 */
export function createTestCognito(dir: string): TestCognito {
  const pool = poolKey();
  const forgerKey = () => (forger ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const jwk = { ...pool.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  return {
    jwksFile,
    mint: (scopes, claims = {}, options = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        sub: 'user-123',
        iss: ISSUER,
        client_id: CLIENT_ID,
        token_use: 'access',
        scope: scopes.join(' '),
        iat: now,
        exp: now + 600,
        jti: `${now}-${Math.random()}`,
        ...claims,
      };
      if (options.key === 'forged-same-kid') return signJwt(payload, KID, forgerKey());
      if (options.key === 'forged-other-kid') return signJwt(payload, 'forged-key', forgerKey());
      return signJwt(payload, KID, pool.privateKey);
    },
  };
}

function signJwt(payload: TokenClaims, kid: string, key: KeyObject): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode(payload)}`;
  return `${signingInput}.${createSign('RSA-SHA256').update(signingInput).sign(key).toString('base64url')}`;
}
