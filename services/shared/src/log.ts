import pino, { DestinationStream } from 'pino';

/**
 * Fields of a log line: flat, identities and ids only. A credential under one of SECRET_NAMES, at the top of the line or
 * one container deep (REDACTED_PATHS), is censored anyway; deeper nesting, arrays and free text are not.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Field names that carry credentials. */
const SECRET_NAMES = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'token',
  'accessToken',
  'idToken',
  'refreshToken',
  'access_token',
  'id_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'secret',
  'password',
  'privateKey',
  'apiKey',
  'x-api-key',
  // Node lower-cases incoming header names; headers built by hand keep their case.
  'Authorization',
  'Proxy-Authorization',
  'Cookie',
  'Set-Cookie',
  'X-Api-Key',
];
/** Objects a credential could come nested in (LogFields are flat, but a cast or a future field could nest them). */
const CONTAINERS = [
  'headers',
  'req',
  'request',
  'res',
  'response',
  'body',
  'req.headers',
  'request.headers',
  'res.headers',
  'response.headers',
];

/**
 * The paths pino censors on every line, whichever call site logs them: each secret name at the top of the line and
 * inside each container. Spelled out rather than `*.authorization`: pino runs a wildcard path's redactor on every
 * field of every line (20-36 µs per access log line measured, against 1 µs for the whole line without it), while a
 * spelled-out path costs only when its first key is present.
 */
export const REDACTED_PATHS: readonly string[] = SECRET_NAMES.flatMap((name) => {
  const key = /^\w+$/.test(name) ? name : `["${name}"]`;
  return [key, ...CONTAINERS.map((container) => `${container}${key.startsWith('[') ? key : `.${key}`}`)];
});

/**
 * One JSON object per line, the format the cluster's log shipper parses without configuration: `level` (a label),
 * `time` (ISO 8601), `service`, the fields, then `msg`; no pid or hostname. Written by pino, which censors
 * REDACTED_PATHS; by default to stdout in batches (batchedStdout: no transport or worker thread, so the esbuild bundle
 * needs no extra files), flushed on exit.
 * @param write receives each line, for tests. @default - stdout
 */
export function createJsonLogger(service: string, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write ? { write } : batchedStdout();
  const logger = pino(
    {
      base: { service },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
    },
    destination,
  );
  return {
    info: (msg, fields) => (fields === undefined ? logger.info(msg) : logger.info(fields, msg)),
    warn: (msg, fields) => (fields === undefined ? logger.warn(msg) : logger.warn(fields, msg)),
    error: (msg, fields) => (fields === undefined ? logger.error(msg) : logger.error(fields, msg)),
  };
}

let isoSecond = -1;
let isoSecondPrefix = '';

/**
 * pino's time field, `,"time":"<new Date().toISOString()>"`, with the date and time up to the second formatted once
 * per second: Date#toISOString on every access log line costs more than the rest of the line's formatting.
 */
function isoTime(): string {
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoSecondPrefix = `,"time":"${new Date(second * 1000).toISOString().slice(0, 20)}`;
  }
  return `${isoSecondPrefix}${String(ms % 1000).padStart(3, '0')}Z"`;
}

/** Pending lines are written once they reach this size, or FLUSH_MS after the first of them. */
const FLUSH_BYTES = 16 * 1024;
const FLUSH_MS = 20;

/**
 * Stdout through pino's destination (sonic-boom; no transport, so no worker thread or extra files in the esbuild
 * bundle), synchronous but written in batches: a line waits at most FLUSH_MS, and pending lines are flushed on exit.
 * A write per line (or per event-loop turn) costs a system call each; an asynchronous sonic-boom writes each line on
 * its own from libuv's thread pool when traffic is light enough for writes not to overlap.
 */
function batchedStdout(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: true });
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending) stdout.write(pending);
    pending = '';
  };
  process.on('exit', flush);
  return {
    write: (line) => {
      pending += line;
      if (pending.length >= FLUSH_BYTES) flush();
      else timer ??= setTimeout(flush, FLUSH_MS).unref();
    },
  };
}
