import { CognitoConfig } from '../config/shared-config';

/** The claims of a JWT payload the policy checks, unchecked: a signed token can still carry any JSON. */
export interface PolicyClaims {
  readonly sub?: unknown;
  readonly exp?: unknown;
  readonly iat?: unknown;
  readonly nbf?: unknown;
}

export type TokenLimits = Pick<CognitoConfig, 'maxTokenLifetimeSeconds' | 'clockSkewSeconds'>;

/**
 * A signed token whose time claims break the policy. `message` reaches the client inside the 401, so it names the
 * claim but not the configured limits.
 */
export class TokenClaimsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenClaimsError';
  }
}

/**
 * Refuses signed tokens that the pool would not issue: without a subject (every owner check would compare against
 * nothing); and, as aws-jwt-verify 5.2.1 accepts a token without `exp` (it never
 * expires), does not look at `iat`, and does not bound the lifetime, so a leaked signing key or a misconfigured app
 * client could mint long-lived tokens. The library already rejects an `nbf` in the future (with no grace); the rule
 * is kept here so the policy holds whatever the verifier in front of it does.
 */
export function checkTokenClaims(
  claims: PolicyClaims,
  limits: TokenLimits,
  nowMs: number,
): asserts claims is PolicyClaims & { readonly sub: string; readonly exp: number; readonly iat: number } {
  const { sub, exp, iat, nbf } = claims;
  if (typeof sub !== 'string' || sub === '') throw new TokenClaimsError('sub claim missing or not a string');
  if (!isTime(exp)) throw new TokenClaimsError('exp claim missing or not a number');
  if (!isTime(iat)) throw new TokenClaimsError('iat claim missing or not a number');
  if (nbf !== undefined && !isTime(nbf)) throw new TokenClaimsError('nbf claim not a number');
  // Cognito's clock and this node's may disagree by a little; beyond that, a token from the future was not issued now.
  const latestIssueSeconds = nowMs / 1000 + limits.clockSkewSeconds;
  if (iat > latestIssueSeconds) throw new TokenClaimsError('iat is in the future');
  if (nbf !== undefined && nbf > latestIssueSeconds) throw new TokenClaimsError('nbf is in the future');
  if (exp - iat > limits.maxTokenLifetimeSeconds) throw new TokenClaimsError('lifetime is longer than the pool issues');
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
