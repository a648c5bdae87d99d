import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, IPolicy, retry, TaskCancelledError, wrap } from 'cockatiel';

/** A peer answered 5xx: worth retrying and counted by the circuit breaker, unlike a 4xx. */
export class PeerUnavailableError extends Error {
  constructor(readonly status: number) {
    super(`peer answered ${status}`);
    this.name = 'PeerUnavailableError';
  }
}

/**
 * Our side has more requests waiting for a connection to the peer than it lets wait (see PeerClient): refused at once,
 * neither retried nor counted by the circuit breaker, since the peer did nothing wrong. Without the bound, requests
 * queued behind a flood (one client's pipelined burst) timed out waiting and opened the circuit for every caller.
 */
export class PeerBusyError extends Error {
  constructor(peer: string) {
    super(`too many requests waiting for ${peer}`);
    this.name = 'PeerBusyError';
  }
}

/**
 * undici's errors for a request it refused or gave up on by our side's doing (a bad argument, a body of the wrong
 * length, a cancellation): nothing the peer did.
 */
const REQUEST_ERROR_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_ABORTED',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/**
 * Whether an attempt failed because of the peer or the path to it (a 5xx, a timeout, a refused, reset or
 * untrusted connection): only those are retried and count towards opening the circuit. 4xx answers are returned,
 * not thrown, and a request the client made unsendable must never open the circuit for every other caller.
 */
export function isPeerFailure(err: unknown): boolean {
  if (err instanceof PeerUnavailableError || err instanceof TaskCancelledError) return true;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && !REQUEST_ERROR_CODES.has(code);
}

export interface PeerResilienceOptions {
  /**
   * Budget for one attempt, connection included: the attempt is cancelled and fails with a TaskCancelledError (a peer
   * failure), timed by the attempt itself (see PeerClient), since cockatiel's timeout policy costs an AbortController
   * and a DOMException per request.
   */
  readonly attemptTimeoutMs: number;
  /** Attempts after the first one. */
  readonly retries: number;
  /** Consecutive failures that open the circuit. */
  readonly breakAfter: number;
  /** How long an open circuit fails fast before one trial call is let through. */
  readonly halfOpenAfterMs: number;
}

/** The policies of one peer: both share one circuit breaker, so every peer failure counts, whichever the method. */
export interface PeerResiliencePolicies {
  /** Retry around the breaker: for reads (GET, HEAD), which change nothing however often they are sent. */
  readonly retried: IPolicy;
  /**
   * The breaker, no retry: for every write. A write that timed out may have been applied, and sending it again is not
   * harmless even when its method is idempotent: a conditional PUT (`expectedVersion`) applied by the first attempt
   * answers the second with 409, reporting the client's own change as a conflict.
   */
  readonly once: IPolicy;
}

/**
 * Retry (bounded, exponential backoff with jitter) around a circuit breaker around the attempt, which times itself
 * out (attemptTimeoutMs), so each attempt is timed on its own, every failed attempt counts towards opening the
 * circuit, and an open circuit is not retried.
 */
export function peerResiliencePolicies(options: PeerResilienceOptions): PeerResiliencePolicies {
  const peerFailures = handleWhen(isPeerFailure);
  const breaker = circuitBreaker(peerFailures, {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakAfter),
  });
  return {
    retried: wrap(
      retry(peerFailures, { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }) }),
      breaker,
    ),
    once: breaker,
  };
}
