import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { buildConnector, Dispatcher, Pool } from 'undici';
import { HttpMethod } from '../../../../lib/catalogue/service-catalogue';
import { HttpError } from '../http/http-error';
import { Logger } from '../log';
import { LiveTrust, MAX_CONNECTION_AGE_MS } from '../mtls/live-trust';
import { spiffeIdOf } from '../mtls/spiffe-identity';
import { ReloadingTlsMaterial, TlsMaterial } from '../mtls/tls-material';
import {
  PeerBusyError,
  PeerResilienceOptions,
  PeerResiliencePolicies,
  peerResiliencePolicies,
  PeerUnavailableError,
} from './peer-resilience';

/** Methods that change nothing at the peer: the only ones retried. */
const READS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * How many attempts may wait for a connection (queued in the pool, or connecting), per connection, beyond one on each
 * connection, before a new one is refused with PeerBusyError: a healthy peer clears such a queue in a few of its reply
 * times, far inside the attempt budget, so an attempt that times out is the peer's doing, not a flood's. (An attempt
 * counts as waiting until undici gives it a connection, a tick later even on an idle one: hence the one more.)
 */
const WAITING_PER_CONNECTION = 4;

export interface PeerClientProps extends PeerResilienceOptions {
  /** The peer's name, used in error messages and logs. */
  readonly name: string;
  readonly baseUrl: string;
  /**
   * Native mTLS: the client presents this certificate (following its rotations) and accepts only a peer certificate
   * from the platform CA carrying `expectedIdentity`.
   * @default - plain HTTP; the mesh secures the hop
   */
  readonly mtls?: { readonly tls: ReloadingTlsMaterial; readonly expectedIdentity: string };
  readonly logger: Logger;
  /** Keep-alive connections kept open to the peer. */
  readonly connections: number;
}

/**
 * The largest reply body taken from a peer. Replies are buffered whole (a proxy passes them on as received), so a
 * faulty or compromised peer could otherwise make this process hold whatever it sends; a larger reply destroys the
 * connection and counts as the peer's failure.
 */
export const MAX_PEER_RESPONSE_BYTES = 1024 * 1024;

/** One request to a peer, built from checked values only: a canonical path, known headers, a validated body. */
export interface PeerRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** JSON bytes. @default - no body */
  readonly body?: Buffer;
}

/** A peer's answer below 500, its JSON body as received (a proxy passes it on unparsed). */
export interface PeerResponse {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * Pooled keep-alive client for one peer. A rotation swaps in a new pool (a connector holds its certificate) and lets
 * the old one drain. Open connections stay held to the trust bundle (LiveTrust), and are retired before the peer's
 * own maximum connection age cuts them.
 */
export class PeerClient {
  private pool: Pool;
  /** Attempts dispatched that have no connection yet. */
  private waiting = 0;
  private readonly policies: PeerResiliencePolicies;
  private readonly trust?: LiveTrust;

  constructor(private readonly props: PeerClientProps) {
    this.policies = peerResiliencePolicies(props);
    this.trust = props.mtls && new LiveTrust(props.mtls.tls, { logger: props.logger });
    this.pool = this.createPool(props.mtls?.tls.current);
    props.mtls?.tls.onChange((material) => {
      const previous = this.pool;
      this.pool = this.createPool(material);
      void previous.close();
    });
  }

  /** GET with retries, timeout and circuit breaker; 4xx answers are returned, failures become 502/503/504. */
  get(path: string, headers: Record<string, string>): Promise<PeerResponse> {
    return this.request({ method: 'GET', path, headers });
  }

  /**
   * Like `get` for any method; writes are sent once, without retries (see PeerResiliencePolicies). Only failures of
   * the peer (see isPeerFailure) are retried and count towards opening the circuit: a caller cannot open it for others.
   */
  async request(request: PeerRequest): Promise<PeerResponse> {
    const policy = READS.has(request.method) ? this.policies.retried : this.policies.once;
    try {
      return await policy.execute(() => this.attempt(request));
    } catch (err) {
      this.props.logger.warn('peer call failed', { peer: this.props.name, reason: (err as Error).message });
      if (err instanceof BrokenCircuitError) throw new HttpError(503, `${this.props.name} unavailable`);
      if (err instanceof PeerBusyError) throw new HttpError(503, `${this.props.name} busy`, { 'retry-after': '1' });
      if (err instanceof TaskCancelledError) throw new HttpError(504, `${this.props.name} timed out`);
      throw new HttpError(502, `${this.props.name} failed`);
    }
  }

  /** Closes the pool once its requests are done, or at once with `cut`, failing those still in flight. */
  close(cut = false): Promise<void> {
    return cut ? this.pool.destroy() : this.pool.close();
  }

  /**
   * One attempt, on the pool's dispatch API with a handler that collects the reply's chunks: undici's `request()`
   * would build a body stream and an AbortSignal per request, for a reply read whole anyway.
   */
  private attempt({ method, path, headers, body }: PeerRequest): Promise<PeerResponse> {
    if (this.waiting >= this.props.connections * (1 + WAITING_PER_CONNECTION)) return Promise.reject(new PeerBusyError(this.props.name));
    this.waiting++;
    return new Promise((resolve, reject) => {
      const exchange = new PeerExchange(this.props.name, this.props.attemptTimeoutMs, resolve, reject, () => this.waiting--);
      this.pool.dispatch(
        {
          method,
          path,
          body,
          headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        },
        exchange,
      );
    });
  }

  private createPool(material: TlsMaterial | undefined): Pool {
    const expected = this.props.mtls?.expectedIdentity;
    const connect =
      material &&
      this.trust?.admitting(
        buildConnector({
          ...material,
          minVersion: 'TLSv1.3',
          // Node gives no peer certificate on a resumed client session, and LiveTrust needs the chain of every connection.
          maxCachedSessions: 0,
          // With a code, like Node's own TLS errors, so that it counts as the peer's failure (retried, and opening the
          // circuit) instead of one of ours.
          checkServerIdentity: (_host, cert) =>
            spiffeIdOf(cert) === expected
              ? undefined
              : Object.assign(new Error(`peer certificate does not carry ${expected}`), { code: 'ERR_TLS_PEER_IDENTITY' }),
        }),
      );
    return new Pool(this.props.baseUrl, {
      connections: this.props.connections,
      connect,
      keepAliveTimeout: 30_000,
      maxResponseSize: MAX_PEER_RESPONSE_BYTES,
      // Retired here once its requests are done, well before the server's hard limit would cut it mid-request.
      clientTtl: MAX_CONNECTION_AGE_MS / 2,
    });
  }
}

/**
 * One attempt's request and reply: resolves with the status and the body bytes of a reply below 500, rejects with
 * PeerUnavailableError for a 5xx (read to its end, so the connection stays usable), with undici's error when the
 * request failed, and with TaskCancelledError when the attempt outlives its budget, which one timer measures from the
 * dispatch on, connection and queueing included (the queue is bounded, see WAITING_PER_CONNECTION); the request is
 * then aborted, on its connection or once it gets one. `left` is called once the attempt stops waiting for a
 * connection: it got one, or it ended.
 */
class PeerExchange implements Dispatcher.DispatchHandler {
  private status = 0;
  private readonly chunks: Buffer[] = [];
  private abort?: (err: Error) => void;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly peer: string,
    timeoutMs: number,
    private readonly resolve: (response: PeerResponse) => void,
    private readonly reject: (err: Error) => void,
    private left?: () => void,
  ) {
    this.timer = setTimeout(() => this.cancel(), timeoutMs);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.leaveQueue();
    if (this.settled) abort(new TaskCancelledError(`${this.peer} attempt cancelled`));
    else this.abort = abort;
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.status < 500) this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (!this.settle()) return;
    if (this.status >= 500) this.reject(new PeerUnavailableError(this.status));
    else this.resolve({ status: this.status, body: this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks) });
  }

  onError(err: Error): void {
    if (this.settle()) this.reject(err);
  }

  private cancel(): void {
    if (!this.settle()) return;
    const err = new TaskCancelledError(`${this.peer} attempt timed out`);
    this.reject(err);
    this.abort?.(err);
  }

  /** Whether this call settles the attempt (the first one does). */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    this.leaveQueue();
    return true;
  }

  private leaveQueue(): void {
    this.left?.();
    this.left = undefined;
  }
}
