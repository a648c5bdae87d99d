import { HttpMethod, ServiceCatalogue, ServiceDefinition } from '../../../../lib/catalogue/service-catalogue';
import { Principal } from '../auth/verified-token-cache';
import { allowedCallers } from '../mtls/caller-policy';
import { BodyValidator } from './body-validator';

export interface RequestContext {
  readonly requestId: string;
  readonly params: Readonly<Record<string, string>>;
  /** The body, already validated against the route's schema; undefined for routes without one. */
  readonly body: unknown;
  readonly principal: Principal;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** A service's implementation of one catalogue route. */
export interface RouteHandler {
  readonly method: HttpMethod;
  readonly path: string;
  handle(context: RequestContext): Promise<Reply>;
}

/** A catalogue route joined with its handler and its precomputed native-mode callers. */
export interface BoundRoute extends RouteHandler {
  readonly scope: string;
  readonly bodySchema?: string;
  readonly allowedCallers: ReadonlySet<string>;
}

/**
 * Joins the catalogue's routes with the service's handlers, failing start-up if a route has no handler, a handler
 * has no route, or a body schema is missing, so the code cannot drift from the catalogue.
 */
export function bindRoutes(catalogue: ServiceCatalogue, service: ServiceDefinition, handlers: readonly RouteHandler[],
  validator: BodyValidator): BoundRoute[] {
  const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
  const byKey = new Map(handlers.map((h) => [key(h), h]));
  const bound = service.routes.map((route) => {
    const handler = byKey.get(key(route));
    if (!handler) throw new Error(`${service.name}: catalogue route ${key(route)} has no handler; implement it`);
    if (route.bodySchema && !validator.has(route.bodySchema)) {
      throw new Error(`${service.name}: body schema ${route.bodySchema} of ${key(route)} is missing from schemas.ts`);
    }
    byKey.delete(key(route));
    return { ...route, handle: handler.handle, allowedCallers: allowedCallers(catalogue, service, route) };
  });
  if (byKey.size > 0) throw new Error(`${service.name}: handlers ${[...byKey.keys()].join(', ')} are not in the catalogue; add or remove them`);
  return bound;
}
