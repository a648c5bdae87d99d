import { ServiceConfigError } from '../src/config/config-error';
import { EnvReader } from '../src/config/env-reader';
import { loadSharedConfig } from '../src/config/shared-config';
import { SERVICE_CATALOGUE } from '../../../lib/catalogue/service-catalogue';

const orders = SERVICE_CATALOGUE.services[0];
const valid = { MTLS_MODE: 'istio-ambient', COGNITO_USER_POOL_ID: 'eu-west-1_AbC123', COGNITO_CLIENT_IDS: 'a, b' };
const load = (env: Record<string, string>) => loadSharedConfig(new EnvReader(env), orders);

test('defaults: the catalogue port, probes on 9090, 16 KiB bodies', () => {
  expect(load(valid)).toEqual({
    port: 8443,
    healthPort: 9090,
    mtls: { mode: 'istio-ambient' },
    cognito: {
      userPoolId: 'eu-west-1_AbC123',
      clientIds: ['a', 'b'],
      jwksFile: undefined,
      jwksReloadIntervalMs: 5000,
      maxTokenLifetimeSeconds: 3600,
      clockSkewSeconds: 60,
    },
    bodyLimitBytes: 16384,
    shutdownGraceMs: 20000,
    timeouts: { headersMs: 10_000, requestMs: 30_000, tlsHandshakeMs: 10_000 },
  });
});

test('the timeouts come from HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS and TLS_HANDSHAKE_TIMEOUT_MS', () => {
  expect(load({ ...valid, HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '800', TLS_HANDSHAKE_TIMEOUT_MS: '300' }).timeouts).toEqual({
    headersMs: 500,
    requestMs: 800,
    tlsHandshakeMs: 300,
  });
});

test('the token limits come from COGNITO_MAX_TOKEN_LIFETIME_SECONDS and TOKEN_CLOCK_SKEW_SECONDS', () => {
  expect(load({ ...valid, COGNITO_MAX_TOKEN_LIFETIME_SECONDS: '900', TOKEN_CLOCK_SKEW_SECONDS: '0' }).cognito).toMatchObject({
    maxTokenLifetimeSeconds: 900,
    clockSkewSeconds: 0,
  });
});

test.each([
  [{ MTLS_MODE: undefined }, 'MTLS_MODE is not set: set it to one of istio-ambient, native'],
  [{ MTLS_MODE: 'native' }, 'TLS_CERT_FILE is not set: mount the cert-manager secret and point it at the file (e.g. /etc/tls/tls.crt)'],
  [{ COGNITO_USER_POOL_ID: 'pool' }, 'COGNITO_USER_POOL_ID is "pool": set it to the user pool id, like eu-west-1_AbCdEf123'],
  [
    { COGNITO_CLIENT_IDS: ' , ' },
    'COGNITO_CLIENT_IDS has no entries: set it to the app client ids allowed to call the service, comma-separated',
  ],
  [
    { HEADERS_TIMEOUT_MS: '40000' },
    'HEADERS_TIMEOUT_MS (40000) is longer than REQUEST_TIMEOUT_MS (30000): make the header timeout at most the request timeout',
  ],
  [{ TLS_HANDSHAKE_TIMEOUT_MS: '0' }, 'TLS_HANDSHAKE_TIMEOUT_MS is "0": use a whole number from 100 to 60000, or unset it for 10000'],
  [{ PORT: '80.5' }, 'PORT is "80.5": use a whole number from 0 to 65535, or unset it for 8443'],
  [
    { COGNITO_MAX_TOKEN_LIFETIME_SECONDS: '100000' },
    'COGNITO_MAX_TOKEN_LIFETIME_SECONDS is "100000": use a whole number from 300 to 86400, or unset it for 3600',
  ],
  [
    { COGNITO_MAX_TOKEN_LIFETIME_SECONDS: '15m' },
    'COGNITO_MAX_TOKEN_LIFETIME_SECONDS is "15m": use a whole number from 300 to 86400, or unset it for 3600',
  ],
  [{ TOKEN_CLOCK_SKEW_SECONDS: '-1' }, 'TOKEN_CLOCK_SKEW_SECONDS is "-1": use a whole number from 0 to 300, or unset it for 60'],
])('%j fails with one line naming the variable and the fix', (change, message) => {
  const env = Object.fromEntries(Object.entries({ ...valid, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  expect(() => load(env)).toThrow(ServiceConfigError);
  expect(() => load(env)).toThrow(message);
});
