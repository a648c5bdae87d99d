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

/** A template's segment: literal text, or the name of a path parameter (`{name}`). */
type Segment = { readonly literal: string; readonly param?: undefined } | { readonly literal?: undefined; readonly param: string };

interface CompiledPath<T extends RouteTemplate> {
  readonly segments: readonly Segment[];
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
      const segments = path.split('/').map((text): Segment => (text.startsWith('{') ? { param: text.slice(1, -1) } : { literal: text }));
      this.paths.push({ segments, byMethod, allow: [...byMethod.keys()].join(', ') });
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

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** Indexed loops and no per-call allocation but the result: this runs for every route on every request. */
function matchSegments(template: readonly Segment[], actual: readonly string[]): Readonly<Record<string, string>> | undefined {
  if (template.length !== actual.length) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < template.length; i++) {
    // eslint-disable-next-line security/detect-object-injection -- i is an index below both arrays' (equal) length
    const expected = template[i];
    // eslint-disable-next-line security/detect-object-injection -- as above
    const segment = actual[i];
    if (expected.param === undefined) {
      if (expected.literal !== segment) return undefined;
      continue;
    }
    if (segment === '') return undefined;
    const value = segment.includes('%') ? decodeSegment(segment) : segment;
    if (!IDENTIFIER.test(value)) throw new HttpError(400, `path parameter ${expected.param} must be 1-64 letters, digits, - or _`);
    // Without a prototype, a parameter named like an Object.prototype member (`{__proto__}`) is just a key.
    params ??= Object.create(null) as Record<string, string>;
    params[expected.param] = value;
  }
  return params ?? NO_PARAMS;
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
