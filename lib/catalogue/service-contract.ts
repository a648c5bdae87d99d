/**
 * What the charts promise the services and the services expect of their pods: ports and environment variable
 * names. Both sides import these constants, so a renamed variable or moved port breaks the build, not the rollout.
 */

/** How workloads authenticate each other: the mesh's ztunnel, or the services' own TLS 1.3 with SPIFFE ids. */
export const MTLS_MODES = ['istio-ambient', 'native'] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];

/** Port of the services' plain-HTTP health listener (`/healthz`, `/readyz`), which the kubelet's probes call. */
export const SERVICE_HEALTH_PORT = 9090;

/** Port the in-cluster ingress (mesh gateway or edge proxy) listens on: unprivileged, behind the load balancer's 443. */
export const INGRESS_CONTAINER_PORT = 8443;

/** The environment variables the charts set on every service pod (and the edge's), by meaning. */
/** The read-only directory the Secrets Store CSI driver mounts a service's secrets in, one file per secret. */
export const SERVICE_SECRETS_DIR = '/var/run/secrets/platform';

export const SERVICE_ENV = {
  mtlsMode: 'MTLS_MODE',
  port: 'PORT',
  healthPort: 'HEALTH_PORT',
  shutdownGraceMs: 'SHUTDOWN_GRACE_MS',
  tlsCertFile: 'TLS_CERT_FILE',
  tlsKeyFile: 'TLS_KEY_FILE',
  tlsCaFile: 'TLS_CA_FILE',
  userPoolId: 'COGNITO_USER_POOL_ID',
  clientIds: 'COGNITO_CLIENT_IDS',
  maxTokenLifetimeSeconds: 'COGNITO_MAX_TOKEN_LIFETIME_SECONDS',
  /** A JWKS file the service verifies tokens against instead of fetching the pool's keys from Cognito. */
  jwksFile: 'COGNITO_JWKS_FILE',
  tableName: 'TABLE_NAME',
  /** Where the service's catalogue secrets are mounted, one file per secret name (set only for services with secrets). */
  secretsDir: 'SECRETS_DIR',
  /** The edge only: how its listener faces the load balancer (`tls` or `plaintext`). */
  ingressListener: 'INGRESS_LISTENER',
} as const;

/** Suffixes of the per-service variables `<SERVICE>_<SUFFIX>` (see `serviceVariable`). */
export const SERVICE_VARIABLE_SUFFIX = {
  /** The callee's in-cluster URL, one per call edge (e.g. INVENTORY_URL). */
  url: 'URL',
  /** GitOps deploy-time values: the service's ECR repository and Pod Identity role. */
  repositoryUri: 'REPOSITORY_URI',
  roleArn: 'ROLE_ARN',
} as const;

/** An environment variable about a service, `<SERVICE>_<SUFFIX>` (e.g. INVENTORY_URL, ORDERS_ROLE_ARN). */
export function serviceVariable(service: string, suffix: (typeof SERVICE_VARIABLE_SUFFIX)[keyof typeof SERVICE_VARIABLE_SUFFIX]): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_${suffix}`;
}

/**
 * The access log line every service writes per request (one JSON object on stdout), as the platform's alarms read it:
 * `msg` is `message`, and the line carries the fields below. The cluster's log shipper nests the parsed line under
 * its own key (see ServiceMonitoring), so both sides name the fields from here.
 */
export const ACCESS_LOG = {
  message: 'request',
  fields: { service: 'service', status: 'status', durationMs: 'durationMs' },
} as const;
