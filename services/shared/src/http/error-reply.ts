import { Logger } from '../log';
import { HttpError } from './http-error';

export interface ErrorReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * The reply to a failed request: an HttpError's status, message and headers; anything else is a 500 whose reason
 * goes to the log only, so internals never reach the client.
 */
export function errorReply(err: unknown, requestId: string, logger: Logger): ErrorReply {
  if (err instanceof HttpError) return { status: err.status, headers: err.headers, body: { error: err.message, requestId } };
  logger.error('request failed', { requestId, reason: (err as Error).message });
  return { status: 500, headers: {}, body: { error: 'internal error', requestId } };
}
