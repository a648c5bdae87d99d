import { UsageError } from './usage-error';

/** What every command-line entry point gets: its arguments and environment, and where its lines go. */
export interface CliIo {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * The exit code a command ends with on `error`, its one line written to `err` as `<command>: <message>`: 2 for a
 * usage error (nothing done), 1 for an error `failure` recognizes (returning the line to print); any other error is
 * thrown on, since it is a defect, not an outcome.
 */
export function exitCodeFor(
  command: string,
  error: unknown,
  err: (line: string) => void,
  failure: (error: unknown) => string | undefined,
): number {
  const usage = error instanceof UsageError ? error.message : undefined;
  const message = usage ?? failure(error);
  if (message === undefined) throw error;
  err(`${command}: ${message}`);
  return usage === undefined ? 1 : 2;
}
