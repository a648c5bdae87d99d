import { Agent, request } from 'undici';

/** Budget of one request, connection and body included: a smoke test must end, whatever the API does. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** An HTTP answer, or the code of the error that prevented one (DNS, refused connection, TLS, timeout). */
export type HttpOutcome =
  | { readonly status: number; readonly body: string; readonly latencyMs: number }
  | { readonly networkError: string; readonly latencyMs: number };

export interface SmokeHttpClientOptions {
  /**
   * The only CA to trust (tests with a throwaway CA).
   * @default - Node's trust store, which includes NODE_EXTRA_CA_CERTS
   */
  readonly ca?: string;
  /** @default REQUEST_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/** One pooled HTTPS client per run; TLS is always verified. `close()` ends its keep-alive connections. */
export class SmokeHttpClient {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(options: SmokeHttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.agent = new Agent({
      connect: { ca: options.ca, timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  async send(req: HttpRequest): Promise<HttpOutcome> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        // The per-phase timeouts above could add up; this bounds the whole exchange.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = await res.body.text();
      return { status: res.statusCode, body, latencyMs: latencyMs() };
    } catch (err) {
      return { networkError: errorCode(err), latencyMs: latencyMs() };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Node's error code (ENOTFOUND, UNABLE_TO_VERIFY_LEAF_SIGNATURE, UND_ERR_HEADERS_TIMEOUT), else the error's name. */
function errorCode(err: unknown): string {
  const { code, name } = err as { code?: unknown; name?: string };
  // A DOMException (the abort signal's TimeoutError) has a numeric code.
  return typeof code === 'string' ? code : (name ?? String(err));
}
