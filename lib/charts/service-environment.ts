import { ServiceCatalogue, ServiceDefinition } from '../catalogue/service-catalogue';
import { MtlsMode, SERVICE_ENV, SERVICE_HEALTH_PORT, SERVICE_VARIABLE_SUFFIX, serviceVariable } from '../catalogue/service-contract';
import { ConfigError } from '../catalogue/config-error';
import { calleesOf } from './call-graph';
import { SHUTDOWN_GRACE_SECONDS } from './graceful-shutdown';
import { WORKLOAD_CERT_DIR } from './workload-certificates';

/**
 * The environment the chart owns: mTLS mode, ports, the drain deadline the pod's termination grace period is
 * derived from, certificate files in native mode, and one `<CALLEE>_URL` per call edge (e.g. INVENTORY_URL), https
 * in native mode and http behind the mesh, so a new edge needs no wiring.
 */
export function serviceEnvironment(catalogue: ServiceCatalogue, service: ServiceDefinition, mtls: MtlsMode): Record<string, string> {
  const native = mtls === 'native';
  const peers = calleesOf(catalogue, service).map((callee) => [
    serviceVariable(callee.name, SERVICE_VARIABLE_SUFFIX.url),
    `${native ? 'https' : 'http'}://${callee.name}.${callee.namespace}.svc:${callee.port}`,
  ]);
  return {
    [SERVICE_ENV.mtlsMode]: mtls,
    [SERVICE_ENV.port]: String(service.port),
    // Explicit, so the probes and the service cannot disagree.
    [SERVICE_ENV.healthPort]: String(SERVICE_HEALTH_PORT),
    [SERVICE_ENV.shutdownGraceMs]: String(SHUTDOWN_GRACE_SECONDS * 1000),
    ...(native
      ? {
          [SERVICE_ENV.tlsCertFile]: `${WORKLOAD_CERT_DIR}/tls.crt`,
          [SERVICE_ENV.tlsKeyFile]: `${WORKLOAD_CERT_DIR}/tls.key`,
          [SERVICE_ENV.tlsCaFile]: `${WORKLOAD_CERT_DIR}/ca.crt`,
        }
      : {}),
    ...Object.fromEntries(peers),
  };
}

/** Extra variables may not override the chart's own. */
export function environmentErrors(
  catalogue: ServiceCatalogue,
  service: ServiceDefinition,
  mtls: MtlsMode,
  environment: Readonly<Record<string, string>> = {},
): ConfigError[] {
  const owned = serviceEnvironment(catalogue, service, mtls);
  return Object.keys(environment)
    .filter((name) => name in owned)
    .map(
      (name) =>
        new ConfigError(
          `environment.${service.name}.${name}`,
          environment[name],
          'the chart sets this variable from the catalogue and the mTLS mode: remove it',
        ),
    );
}
