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

/** Matches a request to a catalogue route: 404 when no path template fits, 405 (with `Allow`) when the method does not. */
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
    const segments = (query < 0 ? url ?? '' : url!.slice(0, query)).split('/');
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
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const expected = template[i];
    if (expected.startsWith('{')) {
      if (actual[i] === '') return undefined;
      params[expected.slice(1, -1)] = decodeSegment(actual[i]);
    } else if (expected !== actual[i]) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'path parameter is not valid percent-encoding');
  }
}
