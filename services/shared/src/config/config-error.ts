/** A start-up configuration problem, phrased as one line that names the variable, the value and the fix. */
export class ServiceConfigError extends Error {
  constructor(variable: string, problem: string, fix: string) {
    super(`${variable} ${problem}: ${fix}`);
    this.name = 'ServiceConfigError';
  }
}
