import { HttpMethod, ServiceCatalogue, ServiceDefinition } from '../../../lib/catalogue/service-catalogue';

/** A public catalogue route and the service that owns it. */
export interface PublicRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly scope: string;
  readonly bodySchema?: string;
  readonly service: ServiceDefinition;
}

/** The route table of the edge: exactly the catalogue's public routes, so an internal route is never reachable from outside. */
export function publicRoutes(catalogue: ServiceCatalogue): PublicRoute[] {
  return catalogue.services.flatMap((service) =>
    service.routes
      .filter((route) => route.public)
      .map((route) => ({ method: route.method, path: route.path, scope: route.scope, bodySchema: route.bodySchema, service })),
  );
}

/** The services the edge forwards to: those with at least one public route. */
export function publicServices(catalogue: ServiceCatalogue): ServiceDefinition[] {
  return catalogue.services.filter((service) => service.routes.some((route) => route.public));
}
