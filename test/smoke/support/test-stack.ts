import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { definedScopes, SERVICE_CATALOGUE } from '../../../lib/catalogue/service-catalogue';
import { SmokeTarget } from '../../../scripts/smoke/discovery';
import { startTestBackends } from '../../../services/shared/test/support/test-backends';
import { CLIENT_ID, TestCognito } from '../../../services/shared/test/support/test-cognito';
import { createTestCa, INGRESS_ID, workloadId, writeTlsFiles } from '../../../services/shared/test/support/test-pki';
import { testServiceEnv } from '../../../services/shared/test/support/test-service-env';
import { assertBundlesAreFresh, BundleName, RunningBundle, startBundle } from '../../../services/shared/test/support/service-bundles';
import { startTestTokenEndpoint } from './test-token-endpoint';

/**
 * The deployed platform in miniature, on loopback: the built edge, orders and inventory bundles in native mTLS mode
 * (the edge serves exactly the catalogue's public routes, as API Gateway does, and forwards over mTLS), DynamoDB
 * (dynalite), and a client-credentials token endpoint whose tokens the services verify.
 */
export interface TestStack {
  /** What discovery would find: the edge's URL stands in for ApiUrl. */
  readonly target: SmokeTarget;
  /** The CA of every certificate the smoke client meets, which it must be told to trust. */
  readonly ca: string;
  /** The pool's stand-in: mints access tokens the services accept, with any scopes and subject. */
  readonly cognito: TestCognito;
  /** Kills one service, as when its pods are gone. */
  stop(name: BundleName): Promise<void>;
  close(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  assertBundlesAreFresh(['edge', 'orders', 'inventory']);
  const backends = await startTestBackends('smoke-test-');
  const { dir, cognito } = backends;
  const ca = await createTestCa('platform CA');
  const clientSecret = randomBytes(24).toString('base64url');
  const tokenEndpoint = await startTestTokenEndpoint({
    cognito,
    tls: await ca.issue('https://auth.example.com'),
    clientId: CLIENT_ID,
    clientSecret,
    allowedScopes: [...definedScopes(SERVICE_CATALOGUE)],
  });

  const serviceEnv = async (name: string, identity: string, extra: Record<string, string>) => {
    const files = writeTlsFiles(join(dir, name), await ca.issue(identity));
    return {
      ...testServiceEnv(cognito, {
        MTLS_MODE: 'native',
        TLS_CERT_FILE: files.certFile,
        TLS_KEY_FILE: files.keyFile,
        TLS_CA_FILE: files.caFile,
        ...extra,
      }),
      // dynalite's endpoint and dummy credentials, which startTestDynamoDb put in this process's environment.
      ...Object.fromEntries(
        ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((k) => [k, process.env[k]]),
      ),
    };
  };
  const running = new Map<BundleName, RunningBundle>();
  const start = async (name: BundleName, processEnv: NodeJS.ProcessEnv) => {
    const bundle = await startBundle(name, processEnv);
    running.set(name, bundle);
    return `https://127.0.0.1:${bundle.port}`;
  };
  const close = async () => {
    await Promise.all([...running.values()].map((bundle) => bundle.stop()));
    await tokenEndpoint.close();
    await backends.close();
  };
  try {
    const inventoryUrl = await start(
      'inventory',
      await serviceEnv('inventory', workloadId('shop', 'inventory'), { TABLE_NAME: 'inventory' }),
    );
    const ordersUrl = await start(
      'orders',
      await serviceEnv('orders', workloadId('shop', 'orders'), { TABLE_NAME: 'orders', INVENTORY_URL: inventoryUrl }),
    );
    const edgeUrl = await start('edge', await serviceEnv('edge', INGRESS_ID, { ORDERS_URL: ordersUrl, INVENTORY_URL: inventoryUrl }));
    return {
      target: { apiUrl: `${edgeUrl}/`, tokenUrl: tokenEndpoint.url, clientId: CLIENT_ID, clientSecret },
      ca: ca.pem,
      cognito,
      stop: async (name) => running.get(name)?.stop(),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
