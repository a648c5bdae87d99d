import { ServiceCatalogue, ServiceDefinition, ServiceRoute, spiffeId } from './service-catalogue';

/**
 * The SPIFFE ids allowed to call a route in native mode: the peers whose call-graph edges point at this service,
 * plus the ingress identity (which carries API Gateway traffic) for public routes.
 */
export function allowedCallers(catalogue: ServiceCatalogue, service: ServiceDefinition, route: ServiceRoute): ReadonlySet<string> {
  const peers = catalogue.services
    .filter((caller) => caller.calls.includes(service.name))
    .map((caller) => spiffeId(catalogue.trustDomain, caller.namespace, caller.name));
  const ingress = spiffeId(catalogue.trustDomain, catalogue.ingress.namespace, catalogue.ingress.serviceAccount);
  return new Set(route.public ? [ingress, ...peers] : peers);
}
