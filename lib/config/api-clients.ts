import { publicRoutes, routeKey, ServiceCatalogue, ServiceRoute } from '../catalogue/service-catalogue';
import { ApiClientConfig } from './platform-config';

/** The public routes a client's scopes open: the methods its tokens can call. */
export function clientRoutes(catalogue: ServiceCatalogue, client: ApiClientConfig): ServiceRoute[] {
  return publicRoutes(catalogue).filter((route) => client.scopes.includes(route.scope));
}

/**
 * The methods that require an API key, as `METHOD /path`, each with the clients that make it so: a method requires a
 * key when any client with `requireKey` (the default) holds its scope. API Gateway sets the requirement per method,
 * so it then holds for every caller.
 */
export function keyRequiredRoutes(
  catalogue: ServiceCatalogue,
  clients: readonly ApiClientConfig[],
): ReadonlyMap<string, readonly string[]> {
  const required = new Map<string, string[]>();
  for (const client of clients.filter((c) => c.requireKey ?? true)) {
    for (const key of clientRoutes(catalogue, client).map(routeKey)) required.set(key, [...(required.get(key) ?? []), client.name]);
  }
  return required;
}
