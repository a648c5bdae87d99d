import { HttpMethod, ServiceCatalogue, ServiceDefinition } from '../../../../lib/catalogue/service-catalogue';
import { Principal } from '../auth/verified-token-cache';
import { allowedCallers } from '../../../../lib/catalogue/caller-policy';
import { FrontReply, FrontRoute } from './request-front';

export interface RequestContext {
  readonly requestId: string;
  /** Decoded path parameters, every one an identifier (the router refuses others). */
  readonly params: Readonly<Record<string, string>>;
  /** The body, already validated against the route's schema; undefined for routes without one. */
  readonly body: unknown;
  readonly principal: Principal;
}

export type Reply = FrontReply;

/** A service's implementation of one catalogue route. */
export interface RouteHandler {
  readonly method: HttpMethod;
  readonly path: string;
  handle(context: RequestContext): Promise<Reply>;
}

/** A catalogue route joined with its handler and, in native mode, the callers its certificates must name. */
export type BoundRoute = RouteHandler & Omit<FrontRoute, 'method'>;

/**
 * Joins the catalogue's routes with the service's handlers, failing start-up if a route has no handler or a handler
 * has no route, so the code cannot drift from the catalogue. `native`: each route admits only its catalogue callers.
 */
export function bindRoutes(
  catalogue: ServiceCatalogue,
  service: ServiceDefinition,
  handlers: readonly RouteHandler[],
  native: boolean,
): BoundRoute[] {
  const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
  const byKey = new Map(handlers.map((h) => [key(h), h]));
  const bound = service.routes.map((route) => {
    const handler = byKey.get(key(route));
    if (!handler) throw new Error(`${service.name}: catalogue route ${key(route)} has no handler; implement it`);
    byKey.delete(key(route));
    return { ...route, handle: handler.handle, allowedCallers: native ? allowedCallers(catalogue, service, route) : undefined };
  });
  if (byKey.size > 0)
    throw new Error(`${service.name}: handlers ${[...byKey.keys()].join(', ')} are not in the catalogue; add or remove them`);
  return bound;
}
