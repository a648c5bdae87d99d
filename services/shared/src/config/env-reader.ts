import { ServiceConfigError } from './config-error';

/**
 * Reads environment variables with validation, so each service keeps its whole variable list in one `loadConfig`
 * function and every mistake stops start-up with a message naming the variable and the fix.
 */
export class EnvReader {
  private readonly env: ReadonlyMap<string, string | undefined>;

  constructor(env: NodeJS.ProcessEnv) {
    this.env = new Map(Object.entries(env));
  }

  required(name: string, fix: string): string {
    const value = this.env.get(name)?.trim();
    if (!value) throw new ServiceConfigError(name, 'is not set', fix);
    return value;
  }

  optional(name: string): string | undefined {
    return this.env.get(name)?.trim() || undefined;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.required(name, `set it to one of ${allowed.join(', ')}`);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ServiceConfigError(name, `is "${value}"`, `set it to one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  integer(name: string, defaultValue: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return defaultValue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ServiceConfigError(name, `is "${raw}"`, `use a whole number from ${min} to ${max}, or unset it for ${defaultValue}`);
    }
    return value;
  }

  list(name: string, fix: string): string[] {
    const values = this.required(name, fix)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length === 0) throw new ServiceConfigError(name, 'has no entries', fix);
    return values;
  }

  matching(name: string, pattern: RegExp, fix: string): string {
    const value = this.required(name, fix);
    if (!pattern.test(value)) throw new ServiceConfigError(name, `is "${value}"`, fix);
    return value;
  }
}
