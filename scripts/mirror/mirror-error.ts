/** A failure the mirror reports in one line (a source, the registry or the lock file), exit code 1. */
export class MirrorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MirrorError';
  }
}
