import { HttpError } from './http-error';

export interface RouteTemplate {
  readonly method: string;
  /** Path template; `{name}` marks a path parameter. */
  readonly path: string;
}

export interface RouteMatch<T extends RouteTemplate> {
  readonly route: T;
  readonly params: Readonly<Record<string, string>>;
}

interface CompiledPath<T extends RouteTemplate> {
  readonly segments: readonly string[];
  readonly byMethod: ReadonlyMap<string, T>;
  readonly allow: string;
}

/**
 * Path parameters (skus, order ids) are identifiers: short and plain, so they are safe as table keys, in logs and in
 * the path a proxy forwards.
 */
const IDENTIFIER = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Matches a request to a catalogue route: 404 when no path template fits, 405 (with `Allow`) when the method does
 * not, 400 when a path parameter is not an identifier. The edge and the services match with the same router, so
 * the edge refuses every path the service would.
 */
export class Router<T extends RouteTemplate> {
  private readonly paths: CompiledPath<T>[] = [];

  constructor(routes: readonly T[]) {
    const byPath = new Map<string, Map<string, T>>();
    for (const route of routes) {
      const methods = byPath.get(route.path) ?? new Map<string, T>();
      methods.set(route.method, route);
      byPath.set(route.path, methods);
    }
    for (const [path, byMethod] of byPath) {
      this.paths.push({ segments: path.split('/'), byMethod, allow: [...byMethod.keys()].join(', ') });
    }
  }

  match(method: string | undefined, url: string | undefined): RouteMatch<T> {
    const query = url?.indexOf('?') ?? -1;
    const segments = (query < 0 ? (url ?? '') : url!.slice(0, query)).split('/');
    for (const candidate of this.paths) {
      const params = matchSegments(candidate.segments, segments);
      if (!params) continue;
      const route = candidate.byMethod.get(method ?? '');
      if (!route) throw new HttpError(405, `method ${method} not allowed`, { allow: candidate.allow });
      return { route, params };
    }
    throw new HttpError(404, 'no such route');
  }
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: [name: string, value: string][] = [];
  for (const [i, expected] of template.entries()) {
    const segment = actual.at(i) ?? '';
    if (expected.startsWith('{')) {
      if (segment === '') return undefined;
      const name = expected.slice(1, -1);
      const value = segment.includes('%') ? decodeSegment(segment) : segment;
      if (!IDENTIFIER.test(value)) throw new HttpError(400, `path parameter ${name} must be 1-64 letters, digits, - or _`);
      params.push([name, value]);
    } else if (expected !== segment) {
      return undefined;
    }
  }
  return Object.fromEntries(params);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'path parameter is not valid percent-encoding');
  }
}

/** Templates split once into literal text and parameter names: [text, name, text, ..., text]. */
const splitTemplates = new Map<string, readonly string[]>();

/** A path template filled with (identifier) parameters: the canonical path of a matched request, without its query. */
export function expandPath(template: string, params: Readonly<Record<string, string>>): string {
  let parts = splitTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    splitTemplates.set(template, parts);
  }
  let path = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    // eslint-disable-next-line security/detect-object-injection -- names and text come from the catalogue's template
    path += params[parts[i]] + parts[i + 1];
  }
  return path;
}
