/** Fields of a log line. Callers pass identities and ids only: never tokens, keys or request bodies. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/**
 * One JSON object per line, the format the cluster's log shipper parses without configuration: `time`, `level`,
 * `service`, `msg`, then the fields. The line is spliced from strings rather than built as one merged object, which
 * V8 would construct on its slow path for every access log line.
 */
export function createJsonLogger(service: string, write: (line: string) => void = batchedStdout()): Logger {
  const log = (level: string) => {
    const head = `,"level":${JSON.stringify(level)},"service":${JSON.stringify(service)},"msg":`;
    return (msg: string, fields?: LogFields) => {
      const rest = fields === undefined ? '{}' : JSON.stringify(fields);
      write(`{"time":"${isoNow()}"${head}${JSON.stringify(msg)}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}\n`);
    };
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

let isoSecond = -1;
let isoSecondPrefix = '';

/** `new Date().toISOString()`, with the date and time up to the second formatted once per second. */
function isoNow(): string {
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoSecondPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  return `${isoSecondPrefix}${String(ms % 1000).padStart(3, '0')}Z`;
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
