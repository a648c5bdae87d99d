import { BrokenCircuitError, IPolicy, TaskCancelledError } from 'cockatiel';
import { buildConnector, Pool } from 'undici';
import { HttpError } from '../http/http-error';
import { Logger } from '../log';
import { spiffeIdOf } from '../mtls/spiffe-identity';
import { ReloadingTlsMaterial, TlsMaterial } from '../mtls/tls-material';
import { PeerResilienceOptions, peerResiliencePolicy, PeerUnavailableError } from './peer-resilience';

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

export interface PeerResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Pooled keep-alive client for one peer. TLS sessions are resumed because the connector is built once per
 * certificate (undici caches sessions per connector); a rotation swaps in a new pool and lets the old one drain.
 */
export class PeerClient {
  private pool: Pool;
  private readonly policy: IPolicy;

  constructor(private readonly props: PeerClientProps) {
    this.policy = peerResiliencePolicy(props);
    this.pool = this.createPool(props.mtls?.tls.current);
    props.mtls?.tls.onChange((material) => {
      const previous = this.pool;
      this.pool = this.createPool(material);
      void previous.close();
    });
  }

  /** GET with retries, timeout and circuit breaker; 4xx answers are returned, failures become 502/503/504. */
  async get(path: string, headers: Record<string, string>): Promise<PeerResponse> {
    try {
      return await this.policy.execute(({ signal }) => this.attempt(path, headers, signal));
    } catch (err) {
      this.props.logger.warn('peer call failed', { peer: this.props.name, reason: (err as Error).message });
      if (err instanceof BrokenCircuitError) throw new HttpError(503, `${this.props.name} unavailable`);
      if (err instanceof TaskCancelledError) throw new HttpError(504, `${this.props.name} timed out`);
      throw new HttpError(502, `${this.props.name} failed`);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async attempt(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<PeerResponse> {
    const res = await this.pool.request({ method: 'GET', path, headers, signal });
    if (res.statusCode >= 500) {
      await res.body.dump();
      throw new PeerUnavailableError(res.statusCode);
    }
    return { status: res.statusCode, body: await res.body.json() };
  }

  private createPool(material: TlsMaterial | undefined): Pool {
    const expected = this.props.mtls?.expectedIdentity;
    const connect = material && buildConnector({
      ...material,
      minVersion: 'TLSv1.3',
      checkServerIdentity: (_host, cert) => spiffeIdOf(cert) === expected
        ? undefined
        : new Error(`peer certificate does not carry ${expected}`),
    });
    return new Pool(this.props.baseUrl, { connections: this.props.connections, connect, keepAliveTimeout: 30_000 });
  }
}
