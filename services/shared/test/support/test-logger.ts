import { createJsonLogger, Logger } from '../../src/log';

/** A JSON logger that keeps its lines, so tests can check what reaches the logs. */
export function capturingLogger(service: string): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createJsonLogger(service, (line) => lines.push(line)),
    { lines },
  );
}

/**
 * The first of `logger`'s lines (parsed) that `matches`, waiting for it up to `withinMs`: what logs it may run on a
 * timer (a file re-read, a connection closing).
 */
export async function loggedLine(
  logger: { readonly lines: string[] },
  matches: (line: Record<string, unknown>) => boolean,
  withinMs = 2000,
): Promise<Record<string, unknown>> {
  for (let waited = 0; waited <= withinMs; waited += 10) {
    const line = logger.lines.map((text) => JSON.parse(text)).find(matches);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no such log line within ${withinMs} ms`);
}
