import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { assertIsJwks, Jwks, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { Fetcher } from 'aws-jwt-verify/https';
import { readOperatorFile, ReloadingOperatorFile } from '../config/operator-files';
import { CognitoConfig } from '../config/shared-config';
import { Logger } from '../log';
import { checkTokenClaims } from './claims-policy';

/** The claims of a verified Cognito access token that the services use. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly client_id: string;
  readonly scope?: string;
  readonly exp: number;
}

export interface AccessTokenVerifier {
  /**
   * Checks signature (against the cached JWKS), issuer, `token_use: access`, client id, expiry and the claims
   * policy (`checkTokenClaims`); rejects with a `JwtBaseError` or a `TokenClaimsError`.
   */
  verify(token: string): Promise<AccessTokenClaims>;
  /** Told when the signing keys changed, so verified tokens are verified again. @default - the keys never change */
  onKeysChanged?(listener: () => void): void;
  /** Stops watching the signing keys. @default - nothing to stop */
  stop?(): void;
}

/**
 * Builds an aws-jwt-verify Cognito verifier. With a JWKS file the keys are hydrated from it and the file is re-read
 * every `jwksReloadIntervalMs`: new keys replace the old ones, so a key the operator removes stops verifying (an
 * unknown `kid` also re-reads the file, instead of calling Cognito). Otherwise the keys are fetched from the pool once
 * and cached (Cognito adds keys, never removes them).
 */
export function createCognitoVerifier(config: CognitoConfig, logger: Logger): AccessTokenVerifier {
  const jwksFile = config.jwksFile;
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: 'access', clientId: [...config.clientIds] },
    jwksFile ? { jwksCache: new SimpleJwksCache({ fetcher: fileFetcher(jwksFile) }) } : undefined,
  );
  const keys = jwksFile === undefined ? undefined : new ReloadingOperatorFile(jwksFile, config.jwksReloadIntervalMs, parseJwks);
  if (keys) {
    verifier.cacheJwks(keys.current);
    keys.onChange((jwks) => {
      verifier.cacheJwks(jwks);
      logger.info('token signing keys reloaded', { keys: jwks.keys.length });
    });
    keys.onRefused((reason) => logger.warn('token signing keys not reloaded, keeping the current ones', { reason }));
  }
  return {
    verify: async (token) => {
      const claims = await verifier.verify(token);
      checkTokenClaims(claims, config, Date.now());
      return claims as AccessTokenClaims;
    },
    onKeysChanged: (listener) => keys?.onChange(() => listener()),
    stop: () => keys?.stop(),
  };
}

/** A JWKS document (`{"keys": [...]}`), or an error naming what is wrong with it (never quoting it). */
function parseJwks(text: string): Jwks {
  let jwks: Parameters<typeof assertIsJwks>[0];
  try {
    jwks = JSON.parse(text);
  } catch {
    throw new Error('the JWKS file is not JSON');
  }
  assertIsJwks(jwks);
  return jwks;
}

function fileFetcher(path: string): Fetcher {
  return {
    fetch: async () => {
      const bytes = await readOperatorFile(path);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
