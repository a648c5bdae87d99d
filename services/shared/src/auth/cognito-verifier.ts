import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { Fetcher } from 'aws-jwt-verify/https';
import { readOperatorFile, readOperatorFileSync } from '../config/operator-files';
import { CognitoConfig } from '../config/shared-config';
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
}

/**
 * Builds an aws-jwt-verify Cognito verifier. With a JWKS file the keys are hydrated from it (and an unknown `kid`
 * re-reads the file instead of calling Cognito); otherwise they are fetched from the pool once and cached.
 */
export function createCognitoVerifier(config: CognitoConfig): AccessTokenVerifier {
  const jwksFile = config.jwksFile;
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: 'access', clientId: [...config.clientIds] },
    jwksFile ? { jwksCache: new SimpleJwksCache({ fetcher: fileFetcher(jwksFile) }) } : undefined,
  );
  if (jwksFile) verifier.cacheJwks(JSON.parse(readOperatorFileSync(jwksFile)));
  return {
    verify: async (token) => {
      const claims = await verifier.verify(token);
      checkTokenClaims(claims, config, Date.now());
      return claims as AccessTokenClaims;
    },
  };
}

function fileFetcher(path: string): Fetcher {
  return {
    fetch: async () => {
      const bytes = await readOperatorFile(path);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
