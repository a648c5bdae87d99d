/** A configuration problem: names the field, the value received and the fix, so bin/ can print it as one line. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly fix: string,
  ) {
    super(`invalid config ${field}=${JSON.stringify(value)}: ${fix}`);
    this.name = 'ConfigError';
  }
}

/** Several problems found in one pass; each keeps its own one-line message. */
export class ConfigErrors extends Error {
  constructor(readonly errors: readonly ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
  }
}
