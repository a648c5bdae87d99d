import { ServiceCatalogue, ServiceDefinition } from '../catalogue/service-catalogue';
import { hasPublicRoute } from './call-graph';
import { INGRESS_PORTS, IngressListener } from './ingress-chart';
import { SERVICE_ENV } from '../catalogue/service-contract';

/**
 * The edge proxy of native mTLS mode (services/edge) described as a workload the service chart can run: named and
 * placed as the catalogue's ingress identity (so its pods get the ingress certificate and the services admit it),
 * listening on the load balancer's target port, calling exactly the services with public routes. It has no
 * routes of its own: the catalogue's public routes are its route table.
 */
export function edgeWorkload(catalogue: ServiceCatalogue): ServiceDefinition {
  return {
    name: catalogue.ingress.serviceAccount,
    namespace: catalogue.ingress.namespace,
    port: INGRESS_PORTS.container,
    scopes: [],
    routes: [],
    calls: catalogue.services.filter(hasPublicRoute).map((service) => service.name),
    ownsDataPrefix: false,
  };
}

/** The catalogue with the edge as one more workload: what the service chart of the edge is built from. */
export function withEdgeWorkload(catalogue: ServiceCatalogue): ServiceCatalogue {
  return { ...catalogue, services: [...catalogue.services, edgeWorkload(catalogue)] };
}

/** The edge's variables choosing how its listener faces the load balancer (services/edge/src/config.ts). */
export function edgeListenerEnvironment(listener: IngressListener): Readonly<Record<string, string>> {
  return { [SERVICE_ENV.ingressListener]: listener };
}
