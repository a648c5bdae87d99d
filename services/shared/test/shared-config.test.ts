import { ServiceConfigError } from '../src/config/config-error';
import { EnvReader } from '../src/config/env-reader';
import { loadSharedConfig } from '../src/config/shared-config';
import { SERVICE_CATALOGUE } from '../../../lib/catalogue/service-catalogue';

const orders = SERVICE_CATALOGUE.services[0];
const valid = { MTLS_MODE: 'istio-ambient', COGNITO_USER_POOL_ID: 'eu-west-1_AbC123', COGNITO_CLIENT_IDS: 'a, b' };
const load = (env: Record<string, string>) => loadSharedConfig(new EnvReader(env), orders);

test('defaults: the catalogue port, probes on 9090, 16 KiB bodies', () => {
  expect(load(valid)).toEqual({
    port: 8443, healthPort: 9090, mtls: { mode: 'istio-ambient' },
    cognito: { userPoolId: 'eu-west-1_AbC123', clientIds: ['a', 'b'], jwksFile: undefined },
    bodyLimitBytes: 16384, shutdownGraceMs: 20000,
  });
});

test.each([
  [{ MTLS_MODE: undefined }, 'MTLS_MODE is not set: set it to one of istio-ambient, native'],
  [{ MTLS_MODE: 'native' }, 'TLS_CERT_FILE is not set: mount the cert-manager secret and point it at the file (e.g. /etc/tls/tls.crt)'],
  [{ COGNITO_USER_POOL_ID: 'pool' }, 'COGNITO_USER_POOL_ID is "pool": set it to the user pool id, like eu-west-1_AbCdEf123'],
  [{ COGNITO_CLIENT_IDS: ' , ' }, 'COGNITO_CLIENT_IDS has no entries: set it to the app client ids allowed to call the service, comma-separated'],
  [{ PORT: '80.5' }, 'PORT is "80.5": use a whole number from 0 to 65535, or unset it for 8443'],
])('%j fails with one line naming the variable and the fix', (change, message) => {
  const env = Object.fromEntries(Object.entries({ ...valid, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  expect(() => load(env)).toThrow(ServiceConfigError);
  expect(() => load(env)).toThrow(message);
});
