/** A mistake on the command line or in the environment: one line naming the argument and the fix, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
