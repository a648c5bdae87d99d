import { ServiceCatalogue, ServiceDefinition, serviceVariable } from '../catalogue/service-catalogue';
import { ConfigError } from '../config/config-error';
import { MtlsMode } from '../config/platform-config';
import { calleesOf } from './call-graph';
import { SHUTDOWN_GRACE_SECONDS } from './graceful-shutdown';
import { WORKLOAD_CERT_DIR } from './workload-certificates';

/**
 * Port of the services' plain-HTTP health listener (`/healthz`, `/readyz`), the default of HEALTH_PORT in
 * services/shared/src/config/shared-config.ts; set explicitly so the probes and the service cannot disagree.
 */
export const SERVICE_HEALTH_PORT = 9090;

/**
 * The environment the chart owns: mTLS mode, ports, the drain deadline the pod's termination grace period is
 * derived from, certificate files in native mode, and one `<CALLEE>_URL` per call edge (e.g. INVENTORY_URL), https
 * in native mode and http behind the mesh, so a new edge needs no wiring.
 */
export function serviceEnvironment(catalogue: ServiceCatalogue, service: ServiceDefinition, mtls: MtlsMode): Record<string, string> {
  const native = mtls === 'native';
  const peers = calleesOf(catalogue, service).map((callee) => [
    serviceVariable(callee.name, 'URL'),
    `${native ? 'https' : 'http'}://${callee.name}.${callee.namespace}.svc:${callee.port}`,
  ]);
  return {
    MTLS_MODE: mtls,
    PORT: String(service.port),
    HEALTH_PORT: String(SERVICE_HEALTH_PORT),
    SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_SECONDS * 1000),
    ...(native ? {
      TLS_CERT_FILE: `${WORKLOAD_CERT_DIR}/tls.crt`,
      TLS_KEY_FILE: `${WORKLOAD_CERT_DIR}/tls.key`,
      TLS_CA_FILE: `${WORKLOAD_CERT_DIR}/ca.crt`,
    } : {}),
    ...Object.fromEntries(peers),
  };
}

/** Extra variables may not override the chart's own. */
export function environmentErrors(catalogue: ServiceCatalogue, service: ServiceDefinition, mtls: MtlsMode,
  environment: Readonly<Record<string, string>> = {}): ConfigError[] {
  const owned = serviceEnvironment(catalogue, service, mtls);
  return Object.keys(environment).filter((name) => name in owned).map((name) => new ConfigError(`environment.${service.name}.${name}`,
    environment[name], 'the chart sets this variable from the catalogue and the mTLS mode: remove it'));
}
