import { ServiceCatalogue } from '../../../lib/catalogue/service-catalogue';
import { ServiceConfigError } from '../../shared/src/config/config-error';
import { EnvReader } from '../../shared/src/config/env-reader';
import { loadSharedConfig, SharedServiceConfig } from '../../shared/src/config/shared-config';
import { ServerTlsFilePaths } from '../../shared/src/mtls/tls-material';
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
   * PUBLIC_TLS_CERT_FILE and PUBLIC_TLS_KEY_FILE: a publicly trusted certificate (`edge.ingressCertificateIssuer`)
   * presented to API Gateway, which trusts only public CAs; upstream mTLS keeps the workload certificate.
   * @default - the workload certificate is presented to API Gateway too
   */
  readonly publicTls?: ServerTlsFilePaths;
}

/** The variable naming a service's URL, as the charts write it (`<CALLEE>_URL`). */
export function upstreamUrlVariable(service: string): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

export function loadEdgeConfig(env: NodeJS.ProcessEnv, catalogue: ServiceCatalogue): EdgeConfig {
  const reader = new EnvReader(env);
  const shared = loadSharedConfig(reader, { port: EDGE_PORT });
  if (shared.mtls.mode !== 'native') {
    throw new ServiceConfigError('MTLS_MODE', `is "${shared.mtls.mode}"`, "use 'native': in istio-ambient mode the Istio gateway is the edge");
  }
  const upstreamUrls = Object.fromEntries(publicServices(catalogue).map((service) => {
    const name = upstreamUrlVariable(service.name);
    const url = reader.matching(name, /^https:\/\/[^/]+$/, `set it to https://<host>:<port> of ${service.name}, without a path`);
    if (!URL.canParse(url)) throw new ServiceConfigError(name, `is "${url}"`, 'use a valid URL');
    return [service.name, url];
  }));
  return {
    shared: { ...shared, mtls: shared.mtls },
    upstreamUrls,
    peerTimeoutMs: reader.integer('PEER_TIMEOUT_MS', 2000, 10, 60_000),
    peerRetries: reader.integer('PEER_RETRIES', 2, 0, 5),
    publicTls: loadPublicTls(reader),
  };
}

/** Both files or neither: a certificate without its key (or the reverse) is a half-mounted secret, not a choice. */
function loadPublicTls(reader: EnvReader): ServerTlsFilePaths | undefined {
  const certFile = reader.optional('PUBLIC_TLS_CERT_FILE');
  const keyFile = reader.optional('PUBLIC_TLS_KEY_FILE');
  if (certFile === undefined && keyFile === undefined) return undefined;
  const fix = (file: string) => `set it to the public certificate's ${file} as well, or unset both PUBLIC_TLS_* variables`;
  if (certFile === undefined) throw new ServiceConfigError('PUBLIC_TLS_CERT_FILE', 'is not set but PUBLIC_TLS_KEY_FILE is', fix('tls.crt'));
  if (keyFile === undefined) throw new ServiceConfigError('PUBLIC_TLS_KEY_FILE', 'is not set but PUBLIC_TLS_CERT_FILE is', fix('tls.key'));
  return { certFile, keyFile };
}
