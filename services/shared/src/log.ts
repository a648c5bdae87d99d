/** Fields of a log line. Callers pass identities and ids only: never tokens, keys or request bodies. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** One JSON object per line on stdout, the format the cluster's log shipper parses without configuration. */
export function createJsonLogger(service: string, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log = (level: string) => (msg: string, fields?: LogFields) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields })}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
