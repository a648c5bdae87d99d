import { ServiceDefinition } from '../../../../lib/catalogue/service-catalogue';
import { MTLS_MODES, SERVICE_ENV, SERVICE_HEALTH_PORT } from '../../../../lib/catalogue/service-contract';
import { MAX_CONNECTION_AGE_MS } from '../mtls/live-trust';
import { ServiceConfigError } from './config-error';
import { EnvReader } from './env-reader';

/** Paths of the certificate files cert-manager mounts (`tls.crt`, `tls.key`, `ca.crt`). */
export interface TlsFilePaths {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export type MtlsConfig =
  /** The mesh (ztunnel) terminates mTLS; the service speaks plain HTTP inside the pod. */
  | { readonly mode: 'istio-ambient' }
  /** The service terminates TLS 1.3 itself and authorizes callers by their SPIFFE id. */
  | {
      readonly mode: 'native';
      readonly files: TlsFilePaths;
      readonly reloadIntervalMs: number;
      /** TLS_MAX_CONNECTION_AGE_MS: a client connection is closed (after its current reply) once this old. */
      readonly maxConnectionAgeMs: number;
    };

export interface CognitoConfig {
  readonly userPoolId: string;
  readonly clientIds: readonly string[];
  /** A JWKS file that replaces fetching from Cognito (air-gapped clusters, tests). */
  readonly jwksFile?: string;
  /**
   * COGNITO_JWKS_RELOAD_INTERVAL_MS: how often the JWKS file is re-read, so a key the operator removes (a compromised
   * one) is refused, cached tokens signed with it included, within this interval. @default 5000
   */
  readonly jwksReloadIntervalMs: number;
  /**
   * COGNITO_MAX_TOKEN_LIFETIME_SECONDS: the longest `exp - iat` accepted, the pool's access-token validity.
   * @default 3600 - Cognito's default access-token validity; the platform sets the pool's own value
   */
  readonly maxTokenLifetimeSeconds: number;
  /** TOKEN_CLOCK_SKEW_SECONDS: how far `iat` and `nbf` may be ahead of this node's clock. @default 60 */
  readonly clockSkewSeconds: number;
}

/** The settings every service shares; each service adds its own in its `config.ts`. */
export interface SharedServiceConfig {
  readonly port: number;
  readonly healthPort: number;
  readonly mtls: MtlsConfig;
  readonly cognito: CognitoConfig;
  readonly bodyLimitBytes: number;
  readonly timeouts: RequestTimeouts;
  readonly shutdownGraceMs: number;
}

/** How long a client may take, so a slow or silent one holds a connection for a bounded time only. */
export interface RequestTimeouts {
  /** HEADERS_TIMEOUT_MS: from the first byte of a request to its last header line (408 after). */
  readonly headersMs: number;
  /** REQUEST_TIMEOUT_MS: from the first byte of a request to the last byte of its body (408 after). */
  readonly requestMs: number;
  /** TLS_HANDSHAKE_TIMEOUT_MS: from the TCP connection to the finished TLS handshake (the connection is dropped). */
  readonly tlsHandshakeMs: number;
}

const TLS_FIX = 'mount the cert-manager secret and point it at the file (e.g. /etc/tls/';

/** `service` gives the default PORT: a catalogue service, or the edge's own port. */
export function loadSharedConfig(env: EnvReader, service: Pick<ServiceDefinition, 'port'>): SharedServiceConfig {
  const mode = env.oneOf(SERVICE_ENV.mtlsMode, MTLS_MODES);
  return {
    port: env.integer(SERVICE_ENV.port, service.port, 0, 65535),
    healthPort: env.integer(SERVICE_ENV.healthPort, SERVICE_HEALTH_PORT, 0, 65535),
    mtls:
      mode === 'native'
        ? {
            mode,
            files: {
              certFile: env.required(SERVICE_ENV.tlsCertFile, `${TLS_FIX}tls.crt)`),
              keyFile: env.required(SERVICE_ENV.tlsKeyFile, `${TLS_FIX}tls.key)`),
              caFile: env.required(SERVICE_ENV.tlsCaFile, `${TLS_FIX}ca.crt)`),
            },
            reloadIntervalMs: env.integer('TLS_RELOAD_INTERVAL_MS', 5000, 10, 300_000),
            maxConnectionAgeMs: env.integer('TLS_MAX_CONNECTION_AGE_MS', MAX_CONNECTION_AGE_MS, 100, 86_400_000),
          }
        : { mode },
    cognito: {
      userPoolId: env.matching(
        SERVICE_ENV.userPoolId,
        /^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/,
        'set it to the user pool id, like eu-west-1_AbCdEf123',
      ),
      clientIds: env.list(SERVICE_ENV.clientIds, 'set it to the app client ids allowed to call the service, comma-separated'),
      jwksFile: env.optional('COGNITO_JWKS_FILE'),
      jwksReloadIntervalMs: env.integer('COGNITO_JWKS_RELOAD_INTERVAL_MS', 5000, 10, 300_000),
      maxTokenLifetimeSeconds: env.integer(SERVICE_ENV.maxTokenLifetimeSeconds, 3600, 300, 86_400),
      clockSkewSeconds: env.integer('TOKEN_CLOCK_SKEW_SECONDS', 60, 0, 300),
    },
    bodyLimitBytes: env.integer('BODY_LIMIT_BYTES', 16 * 1024, 64, 1024 * 1024),
    timeouts: loadTimeouts(env),
    shutdownGraceMs: env.integer(SERVICE_ENV.shutdownGraceMs, 20_000, 0, 600_000),
  };
}

function loadTimeouts(env: EnvReader): RequestTimeouts {
  const timeouts = {
    headersMs: env.integer('HEADERS_TIMEOUT_MS', 10_000, 100, 60_000),
    requestMs: env.integer('REQUEST_TIMEOUT_MS', 30_000, 100, 300_000),
    tlsHandshakeMs: env.integer('TLS_HANDSHAKE_TIMEOUT_MS', 10_000, 100, 60_000),
  };
  // The headers are part of the request, and Node refuses a header timeout longer than the request timeout.
  if (timeouts.headersMs > timeouts.requestMs) {
    throw new ServiceConfigError(
      'HEADERS_TIMEOUT_MS',
      `(${timeouts.headersMs}) is longer than REQUEST_TIMEOUT_MS (${timeouts.requestMs})`,
      'make the header timeout at most the request timeout',
    );
  }
  return timeouts;
}
