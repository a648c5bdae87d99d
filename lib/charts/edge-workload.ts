import { ServiceCatalogue, ServiceDefinition } from '../catalogue/service-catalogue';
import { IngressCertificateIssuer } from '../config/platform-config';
import { hasPublicRoute } from './call-graph';
import { INGRESS_PORTS, ingressCertificate } from './ingress-chart';
import type { CertificateMount } from './service-chart';

/** Where the edge finds the public certificate it presents to API Gateway. */
export const EDGE_PUBLIC_CERT_DIR = '/var/run/secrets/public-tls';

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

/**
 * The public certificate the edge presents to API Gateway (which trusts only public CAs): the same Certificate the
 * ambient gateway gets from `issuer` for `hostname`, mounted into the edge, and the variables naming its files
 * (services/edge/src/config.ts). Its secret may lack `ca.crt` (ACME), so no CA file is named.
 */
export function edgePublicCertificate(catalogue: ServiceCatalogue, hostname: string, issuer: IngressCertificateIssuer):
  { readonly mount: CertificateMount; readonly environment: Readonly<Record<string, string>> } {
  return {
    mount: { certificate: ingressCertificate(catalogue.ingress, hostname, issuer), mountPath: EDGE_PUBLIC_CERT_DIR },
    environment: { PUBLIC_TLS_CERT_FILE: `${EDGE_PUBLIC_CERT_DIR}/tls.crt`, PUBLIC_TLS_KEY_FILE: `${EDGE_PUBLIC_CERT_DIR}/tls.key` },
  };
}
