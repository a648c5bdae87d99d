import { CLIENT_ID, TestCognito, USER_POOL_ID } from './test-cognito';

/** The environment of a service under test: loopback, ephemeral ports, local JWKS, quick certificate polling. */
export function testServiceEnv(cognito: TestCognito, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    HEALTH_PORT: '0',
    MTLS_MODE: 'istio-ambient',
    COGNITO_USER_POOL_ID: USER_POOL_ID,
    COGNITO_CLIENT_IDS: CLIENT_ID,
    COGNITO_JWKS_FILE: cognito.jwksFile,
    TLS_RELOAD_INTERVAL_MS: '50',
    COGNITO_JWKS_RELOAD_INTERVAL_MS: '50',
    ...extra,
  };
}
