import { HttpError } from './http-error';

/** Identifiers in paths (skus, order ids): short and plain, so they are safe as table keys and in logs. */
const IDENTIFIER = /^[A-Za-z0-9_-]{1,64}$/;

export function identifierParam(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (!IDENTIFIER.test(value ?? '')) throw new HttpError(400, `path parameter ${name} must be 1-64 letters, digits, - or _`);
  return value;
}
