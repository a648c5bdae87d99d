import { ServiceCatalogue, serviceVariable } from '../../../lib/catalogue/service-catalogue';
import { ServiceConfigError } from '../../shared/src/config/config-error';
import { EnvReader } from '../../shared/src/config/env-reader';
import { loadSharedConfig, SharedServiceConfig } from '../../shared/src/config/shared-config';
import { publicServices } from './public-routes';

/** The pods' TLS port behind the load balancer (INGRESS_PORTS.container in lib/charts); the chart sets PORT too. */
export const EDGE_PORT = 8443;

/** Every environment variable the edge reads (shared ones in loadSharedConfig), validated at start-up. */
export interface EdgeConfig {
  /** MTLS_MODE must be `native`: in ambient mode the Istio gateway is the edge. */
  readonly shared: SharedServiceConfig & { readonly mtls: { readonly mode: 'native' } };
  /** `<SERVICE>_URL` (e.g. ORDERS_URL) per service with public routes: https://<host>:<port>, no path. */
  readonly upstreamUrls: Readonly<Record<string, string>>;
  /** PEER_TIMEOUT_MS: budget of one attempt to an upstream service. */
  readonly peerTimeoutMs: number;
  /** PEER_RETRIES: retries of an idempotent request after a failed attempt. */
  readonly peerRetries: number;
  /**
   * INGRESS_LISTENER: `tls` (default) serves the load balancer, which re-encrypts to this port, with the workload
   * certificate; `plaintext` serves it plain HTTP, for the dev fallback without a domain only (API Gateway would reject
   * any certificate the platform can issue without a public name). Upstream calls are mTLS either way.
   */
  readonly listener: EdgeListener;
}

/** How the edge's listener faces the load balancer (INGRESS_LISTENER). */
export type EdgeListener = 'tls' | 'plaintext';

/** The variable the charts set to choose the listener. */
export const INGRESS_LISTENER_VARIABLE = 'INGRESS_LISTENER';

export function loadEdgeConfig(env: NodeJS.ProcessEnv, catalogue: ServiceCatalogue): EdgeConfig {
  const reader = new EnvReader(env);
  const shared = loadSharedConfig(reader, { port: EDGE_PORT });
  if (shared.mtls.mode !== 'native') {
    throw new ServiceConfigError('MTLS_MODE', `is "${shared.mtls.mode}"`, "use 'native': in istio-ambient mode the Istio gateway is the edge");
  }
  const upstreamUrls = Object.fromEntries(publicServices(catalogue).map((service) => {
    const name = serviceVariable(service.name, 'URL');
    const url = reader.matching(name, /^https:\/\/[^/]+$/, `set it to https://<host>:<port> of ${service.name}, without a path`);
    if (!URL.canParse(url)) throw new ServiceConfigError(name, `is "${url}"`, 'use a valid URL');
    return [service.name, url];
  }));
  return {
    shared: { ...shared, mtls: shared.mtls },
    upstreamUrls,
    peerTimeoutMs: reader.integer('PEER_TIMEOUT_MS', 2000, 10, 60_000),
    peerRetries: reader.integer('PEER_RETRIES', 2, 0, 5),
    listener: reader.optional(INGRESS_LISTENER_VARIABLE) === undefined ? 'tls' : reader.oneOf<EdgeListener>(INGRESS_LISTENER_VARIABLE, ['tls', 'plaintext']),
  };
}
