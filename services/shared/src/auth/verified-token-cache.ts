/** What a verified access token proved: who called, through which app client, with which scopes. */
export interface Principal {
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  /** The raw bearer token, kept so a call to a peer can forward it; never logged. */
  readonly token: string;
}

interface Entry {
  readonly principal: Principal;
  readonly expiresAtMs: number;
}

/**
 * The cache key of a token: its last characters, from the signature. Each request's header is a new string, so the
 * Map would hash the whole ~800-character token on every lookup; a hit is confirmed against the whole token.
 */
function keyOf(token: string): string {
  return token.slice(-32);
}

/**
 * Remembers tokens whose signature and claims were verified, so each distinct token costs one RS256 check
 * (the model is Envoy's jwt_authn cache). Bounded: when full, the oldest entry goes. An entry is never served
 * past the token's `exp`, nor after the signing keys change (AccessTokenAuthenticator clears it).
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): Principal | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    // Keyed by a suffix only: a token sharing it (a forged one copying a signature) is not the cached one.
    if (!entry || entry.principal.token !== token) return undefined;
    if (this.now() < entry.expiresAtMs) return entry.principal;
    this.entries.delete(key);
    return undefined;
  }

  set(principal: Principal, expiresAtMs: number): void {
    if (this.now() >= expiresAtMs) return;
    const key = keyOf(principal.token);
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { principal, expiresAtMs });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
