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
 * Remembers tokens whose signature and claims were verified, so each distinct token costs one RS256 check
 * (the model is Envoy's jwt_authn cache). Bounded: when full, the oldest entry goes. An entry is never served
 * past the token's `exp`.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number, private readonly now: () => number = Date.now) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() < entry.expiresAtMs) return entry.principal;
    this.entries.delete(token);
    return undefined;
  }

  set(principal: Principal, expiresAtMs: number): void {
    if (this.now() >= expiresAtMs) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(principal.token)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(principal.token, { principal, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
