import { JwtBaseError, FetchError } from 'aws-jwt-verify/error';
import { HttpError } from '../http/http-error';
import { TokenClaimsError } from './claims-policy';
import { AccessTokenVerifier } from './cognito-verifier';
import { Principal, VerifiedTokenCache } from './verified-token-cache';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const INVALID_TOKEN = { 'www-authenticate': 'Bearer error="invalid_token"' };

/** 403 unless the principal's token carries `scope`. */
export function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.has(scope)) {
    throw new HttpError(403, `token lacks scope ${scope}`, { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` });
  }
}

/**
 * Turns an `Authorization` header into a verified principal; 401 for a missing, malformed, forged or expired token,
 * or one whose time claims break the claims policy.
 */
export class AccessTokenAuthenticator {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly cache: VerifiedTokenCache,
  ) {
    // A token verified under keys since replaced proves nothing now: every one is verified again.
    verifier.onKeysChanged?.(() => cache.clear());
  }

  /** Stops watching the signing keys (on shutdown). */
  stop(): void {
    this.verifier.stop?.();
  }

  /**
   * A token verified before is answered from the cache synchronously (no promise on the hot path); only a token
   * not seen yet is checked for shape and verified.
   */
  authenticate(authorization: string | undefined): Principal | Promise<Principal> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    return (token !== undefined && this.cache.get(token)) || this.verify(authorization);
  }

  private async verify(authorization: string | undefined): Promise<Principal> {
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!token) throw new HttpError(401, 'missing bearer token', { 'www-authenticate': 'Bearer' });
    try {
      const claims = await this.verifier.verify(token);
      const principal: Principal = {
        subject: claims.sub,
        clientId: claims.client_id,
        scopes: new Set((claims.scope ?? '').split(' ').filter(Boolean)),
        token,
      };
      this.cache.set(principal, claims.exp * 1000);
      return principal;
    } catch (err) {
      if (err instanceof FetchError) throw new HttpError(503, 'token signing keys unavailable');
      // The library's messages carry times and expected values; the policy's name only the claim.
      if (err instanceof TokenClaimsError) throw new HttpError(401, `invalid bearer token: ${err.message}`, INVALID_TOKEN);
      if (err instanceof JwtBaseError) throw new HttpError(401, 'invalid bearer token', INVALID_TOKEN);
      throw err;
    }
  }
}
