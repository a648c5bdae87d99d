import { ServiceCatalogue } from '../../../lib/catalogue/service-catalogue';
import { INGRESS_CONTAINER_PORT, SERVICE_ENV, SERVICE_VARIABLE_SUFFIX, serviceVariable } from '../../../lib/catalogue/service-contract';
import { ServiceConfigError } from '../../shared/src/config/config-error';
import { EnvReader } from '../../shared/src/config/env-reader';
import { loadSharedConfig, SharedServiceConfig } from '../../shared/src/config/shared-config';
import { publicServices } from './public-routes';

/** Every environment variable the edge reads (shared ones in loadSharedConfig), validated at start-up. */
export interface EdgeConfig {
  /** MTLS_MODE must be `native`: in ambient mode the Istio gateway is the edge. */
  readonly shared: SharedServiceConfig & { readonly mtls: { readonly mode: 'native' } };
  /** `<SERVICE>_URL` (e.g. ORDERS_URL) per service with public routes: https://<host>:<port>, no path. */
  readonly upstreamUrls: Readonly<Record<string, string>>;
  /** PEER_TIMEOUT_MS: budget of one attempt to an upstream service. */
  readonly peerTimeoutMs: number;
  /** PEER_RETRIES: retries of a read (GET, HEAD) after a failed attempt; writes are sent once. */
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

export function loadEdgeConfig(env: NodeJS.ProcessEnv, catalogue: ServiceCatalogue): EdgeConfig {
  const reader = new EnvReader(env);
  const shared = loadSharedConfig(reader, { port: INGRESS_CONTAINER_PORT });
  if (shared.mtls.mode !== 'native') {
    throw new ServiceConfigError(
      SERVICE_ENV.mtlsMode,
      `is "${shared.mtls.mode}"`,
      "use 'native': in istio-ambient mode the Istio gateway is the edge",
    );
  }
  const upstreamUrls = Object.fromEntries(
    publicServices(catalogue).map((service) => {
      const name = serviceVariable(service.name, SERVICE_VARIABLE_SUFFIX.url);
      const url = reader.matching(name, /^https:\/\/[^/]+$/, `set it to https://<host>:<port> of ${service.name}, without a path`);
      if (!URL.canParse(url)) throw new ServiceConfigError(name, `is "${url}"`, 'use a valid URL');
      return [service.name, url];
    }),
  );
  return {
    shared: { ...shared, mtls: shared.mtls },
    upstreamUrls,
    peerTimeoutMs: reader.integer('PEER_TIMEOUT_MS', 2000, 10, 60_000),
    peerRetries: reader.integer('PEER_RETRIES', 2, 0, 5),
    listener:
      reader.optional(SERVICE_ENV.ingressListener) === undefined
        ? 'tls'
        : reader.oneOf<EdgeListener>(SERVICE_ENV.ingressListener, ['tls', 'plaintext']),
  };
}
