/** Fields of a log line. Callers pass identities and ids only: never tokens, keys or request bodies. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** One JSON object per line, the format the cluster's log shipper parses without configuration. */
export function createJsonLogger(service: string, write: (line: string) => void = batchedStdout()): Logger {
  const log = (level: string) => (msg: string, fields?: LogFields) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields })}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Writes to stdout once per event-loop turn instead of once per line: stdout is synchronous for files and pipes,
 * so a write per access log line would be a system call per request. Pending lines are flushed on exit.
 */
function batchedStdout(): (line: string) => void {
  let pending = '';
  const flush = () => {
    if (pending) process.stdout.write(pending);
    pending = '';
  };
  process.on('exit', flush);
  return (line) => {
    if (!pending) setImmediate(flush);
    pending += line;
  };
}
