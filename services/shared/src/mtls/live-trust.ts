import { X509Certificate } from 'node:crypto';
import { DetailedPeerCertificate, Server, TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import { Logger } from '../log';
import { spiffeIdOf } from './spiffe-identity';
import { ReloadingTlsMaterial } from './tls-material';

/**
 * How long a trusted connection may live, so that every connection is re-established, and verified afresh, at least
 * this often: the bound for what the checks below cannot see, such as a resumed session admitted just as the bundle
 * changed.
 */
export const MAX_CONNECTION_AGE_MS = 10 * 60_000;

/** Real chains hold two or three certificates; a longer one is refused rather than walked. */
const MAX_CHAIN_LENGTH = 8;

export type ChainVerdict =
  /** `validUntil`: when the first certificate of the verified path (the CA included) expires, in epoch ms. */
  { readonly trusted: true; readonly validUntil: number } | { readonly trusted: false; readonly reason: string };

/**
 * Whether a peer's chain (leaf first, then issuers in any order) still leads to a root of `bundle` at `at` (epoch
 * ms): every signature on the path verifies and every certificate on it, the root's included, is inside its validity
 * window. As OpenSSL builds the path in a handshake (Node asks for no partial chains), the path ends at a
 * self-signed certificate of the bundle; the bundle's other certificates are candidates for the path, like those of
 * the chain. Certificates of the chain are never anchors, since Node appends the root it found in the trust store of
 * the handshake, which may be a store that no longer applies.
 */
export function verifyPeerChain(chain: readonly X509Certificate[], bundle: readonly X509Certificate[], at: number): ChainVerdict {
  let validUntil = Infinity;
  let cert = chain[0];
  for (let depth = 0; cert && depth < MAX_CHAIN_LENGTH; depth++) {
    if (!validAt(cert, at)) {
      return untrusted(
        depth === 0
          ? 'peer certificate outside its validity window'
          : 'an issuing CA of the peer certificate is outside its validity window',
      );
    }
    validUntil = Math.min(validUntil, notAfter(cert));
    const issuing = bundle.filter((ca) => issued(ca, cert));
    const roots = issuing.filter(selfSigned);
    const root = roots.find((ca) => validAt(ca, at));
    if (root) return { trusted: true, validUntil: Math.min(validUntil, notAfter(root)) };
    if (roots.length > 0) return untrusted('the issuing CA in the trust bundle is outside its validity window');
    const child = cert;
    // As OpenSSL does, an issuer valid now before one that is not (a bundle may hold a CA and its renewal).
    const candidates = [...issuing, ...chain.filter((candidate) => candidate !== child && issued(candidate, child))];
    const issuer = candidates.find((candidate) => validAt(candidate, at)) ?? candidates[0];
    if (!issuer) return untrusted('peer chain does not lead to a CA of the trust bundle');
    cert = issuer;
  }
  return untrusted(cert ? 'peer chain too long' : 'no peer certificate');
}

/**
 * The peer's chain as Node's issuer links give it: what the peer sent, completed from the handshake's trust store.
 * Read through getPeerCertificate(true) because, on a client socket, Node 20's getPeerX509Certificate() hands out
 * the peer chain it holds, leaving later calls (the identity log below, anyone else) with nothing.
 */
export function peerChainOf(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  // An empty object stands for no certificate; a root links to itself.
  for (
    let cert = socket.getPeerCertificate(true);
    cert?.raw && !seen.has(cert) && seen.size < MAX_CHAIN_LENGTH;
    cert = cert.issuerCertificate
  ) {
    seen.add(cert);
    chain.push(new X509Certificate(cert.raw));
  }
  return chain;
}

export interface LiveTrustOptions {
  readonly logger: Logger;
  /**
   * Connections older than this are closed even though still trusted.
   * @default MAX_CONNECTION_AGE_MS (10 minutes)
   */
  readonly maxConnectionAgeMs?: number;
  /**
   * Closes a connection that reached its maximum age, still trusted: a server can let the request in flight finish.
   * @default - destroyed at once, like an untrusted one
   */
  readonly retire?: (socket: TLSSocket) => void;
}

interface LiveConnection {
  /** The peer chain read once at admission, re-verified whenever the trust bundle changes. */
  readonly chain: readonly X509Certificate[];
  /** When the first certificate of the verified path expires (epoch ms); the anchor may change with the bundle. */
  expiresAt: number;
  /** When the connection reaches its maximum age (epoch ms). */
  readonly retireAt: number;
}

/**
 * The TLS connections of one side (a server's clients, or a client's pool) held to the current trust bundle: a
 * connection is closed when a new bundle no longer verifies its peer chain, when a certificate of that chain
 * expires, or at its maximum age. A sweep every reload interval checks the deadlines; the chains are verified only
 * at admission and on a bundle change, so a request costs nothing.
 */
export class LiveTrust {
  private readonly connections = new Map<TLSSocket, LiveConnection>();
  private readonly maxAgeMs: number;
  private checkedBundle: string;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly tls: ReloadingTlsMaterial,
    private readonly options: LiveTrustOptions,
  ) {
    this.maxAgeMs = options.maxConnectionAgeMs ?? MAX_CONNECTION_AGE_MS;
    this.checkedBundle = tls.current.ca;
    tls.onChange((material) => {
      if (material.ca === this.checkedBundle) return;
      this.checkedBundle = material.ca;
      this.recheck();
    });
  }

  /**
   * Tracks a socket that has completed its handshake; closes it and returns the reason if its peer chain no longer
   * verifies (its handshake began against a bundle replaced since).
   *
   * A resumed session (on a server: PeerClient never resumes) is admitted on its certificates' validity alone. Node
   * gives it without the intermediates the peer sent, so one issued under a root-only bundle would be refused on
   * every resumption. It was verified under the current bundle: setSecureContext without fixed `ticketKeys` gives
   * new ticket keys, so no session is resumed across a bundle change; the next change verifies it like the others.
   */
  admit(socket: TLSSocket): string | undefined {
    if (socket.destroyed) return undefined;
    const chain = peerChainOf(socket);
    const now = Date.now();
    const verdict = socket.isSessionReused() ? validityOf(chain, now) : verifyPeerChain(chain, this.tls.trustAnchors, now);
    if (!verdict.trusted) {
      this.close(socket, verdict.reason);
      return verdict.reason;
    }
    this.connections.set(socket, { chain, expiresAt: verdict.validUntil, retireAt: now + this.maxAgeMs });
    socket.once('close', () => this.forget(socket));
    this.sweeper ??= setInterval(() => this.sweep(), this.tls.intervalMs).unref();
    return undefined;
  }

  /**
   * `connector` with each socket it opens admitted here; a server no longer trusted fails the connection attempt.
   * The connector must not resume sessions (`maxCachedSessions: 0`): Node gives a resumed client session no peer
   * certificate at all.
   */
  admitting(connector: buildConnector.connector): buildConnector.connector {
    return (options, callback) =>
      connector(options, (...result) => {
        const [err, socket] = result;
        const refused = !err && socket instanceof TLSSocket ? this.admit(socket) : undefined;
        // With a code, like Node's own TLS errors, so that callers count it as the peer's failure and retry.
        if (refused) callback(Object.assign(new Error(`tls connection refused: ${refused}`), { code: 'ERR_TLS_PEER_UNTRUSTED' }), null);
        else callback(...result);
      });
  }

  private recheck(): void {
    const now = Date.now();
    for (const [socket, connection] of this.connections) {
      const verdict = verifyPeerChain(connection.chain, this.tls.trustAnchors, now);
      if (verdict.trusted) connection.expiresAt = verdict.validUntil;
      else this.close(socket, verdict.reason);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, { expiresAt, retireAt }] of this.connections) {
      if (now > expiresAt) this.close(socket, 'peer certificate chain expired');
      else if (now >= retireAt) this.close(socket, 'maximum connection age reached', 'info', this.options.retire);
    }
  }

  private close(
    socket: TLSSocket,
    reason: string,
    level: 'info' | 'warn' = 'warn',
    closer: (socket: TLSSocket) => void = (untrusted) => untrusted.destroy(),
  ): void {
    // eslint-disable-next-line security/detect-object-injection -- `level` is the literal union 'info' | 'warn'
    this.options.logger[level]('tls connection closed', {
      reason,
      peer: spiffeIdOf(socket.getPeerCertificate()),
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
    });
    this.forget(socket);
    closer(socket);
  }

  private forget(socket: TLSSocket): void {
    this.connections.delete(socket);
    if (this.connections.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

/**
 * Holds the client connections of a mutual-TLS `server` to `tls`'s trust bundle (see LiveTrust); call once, right
 * after creating the server.
 */
export function guardServerConnections(server: Server, tls: ReloadingTlsMaterial, options: LiveTrustOptions): void {
  const trust = new LiveTrust(tls, options);
  server.on('secureConnection', (socket: TLSSocket) => trust.admit(socket));
}

/** The validity check of verifyPeerChain alone, over every certificate of `chain`. */
function validityOf(chain: readonly X509Certificate[], at: number): ChainVerdict {
  if (chain.length === 0) return untrusted('no peer certificate');
  if (!chain.every((cert) => validAt(cert, at))) return untrusted('a certificate of the peer chain is outside its validity window');
  return { trusted: true, validUntil: Math.min(...chain.map(notAfter)) };
}

const selfSignedCache = new WeakMap<X509Certificate, boolean>();

/** A root: issued by itself (a signature check, once per parsed certificate). */
function selfSigned(cert: X509Certificate): boolean {
  let known = selfSignedCache.get(cert);
  if (known === undefined) {
    known = issued(cert, cert);
    selfSignedCache.set(cert, known);
  }
  return known;
}

/** `ca` signed `cert`: names and key identifiers match, `ca` may sign certificates, and the signature verifies. */
function issued(ca: X509Certificate, cert: X509Certificate): boolean {
  return ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

function validAt(cert: X509Certificate, at: number): boolean {
  return Date.parse(cert.validFrom) <= at && at <= notAfter(cert);
}

function notAfter(cert: X509Certificate): number {
  return Date.parse(cert.validTo);
}

function untrusted(reason: string): ChainVerdict {
  return { trusted: false, reason };
}
