import {
  BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleAll, handleWhen, IPolicy, retry,
  timeout, TimeoutStrategy, wrap,
} from 'cockatiel';

/** A peer answered 5xx: worth retrying and counted by the circuit breaker, unlike a 4xx. */
export class PeerUnavailableError extends Error {
  constructor(readonly status: number) {
    super(`peer answered ${status}`);
    this.name = 'PeerUnavailableError';
  }
}

export interface PeerResilienceOptions {
  /** Budget for one attempt, connection included. */
  readonly attemptTimeoutMs: number;
  /** Attempts after the first one. */
  readonly retries: number;
  /** Consecutive failures that open the circuit. */
  readonly breakAfter: number;
  /** How long an open circuit fails fast before one trial call is let through. */
  readonly halfOpenAfterMs: number;
}

/** The policies of one peer: both share one circuit breaker, so every failure counts, whichever the method. */
export interface PeerResiliencePolicies {
  /** Retry around the breaker around the timeout: for idempotent methods (GET, PUT, DELETE). */
  readonly idempotent: IPolicy;
  /** Breaker around the timeout, no retry: a POST that timed out may have been applied, so it is not sent twice. */
  readonly once: IPolicy;
}

/**
 * Retry (bounded, exponential backoff with jitter) around a circuit breaker around a per-attempt timeout, so each
 * attempt is timed on its own, every failed attempt counts towards opening the circuit, and an open circuit is not
 * retried.
 */
export function peerResiliencePolicies(options: PeerResilienceOptions): PeerResiliencePolicies {
  // 4xx answers are returned, not thrown, so every error that reaches a policy is a failed attempt.
  const unlessCircuitOpen = handleWhen((err) => !(err instanceof BrokenCircuitError));
  const breakerAndTimeout = wrap(
    circuitBreaker(handleAll, { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakAfter) }),
    timeout(options.attemptTimeoutMs, TimeoutStrategy.Aggressive),
  );
  return {
    idempotent: wrap(
      retry(unlessCircuitOpen, { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }) }),
      breakerAndTimeout,
    ),
    once: breakerAndTimeout,
  };
}
