import { createJsonLogger, Logger } from '../../src/log';

/** A JSON logger that keeps its lines, so tests can check what reaches the logs. */
export function capturingLogger(service: string): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createJsonLogger(service, (line) => lines.push(line)),
    { lines },
  );
}
