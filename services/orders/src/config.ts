import { join } from 'node:path';
import { RECEIPT_SIGNING_KEY_SECRET, ServiceDefinition } from '../../../lib/catalogue/service-catalogue';
import { SERVICE_ENV } from '../../../lib/catalogue/service-contract';
import { ServiceConfigError } from '../../shared/src/config/config-error';
import { EnvReader } from '../../shared/src/config/env-reader';
import { ReloadingOperatorFile } from '../../shared/src/config/operator-files';
import { loadSharedConfig, SharedServiceConfig } from '../../shared/src/config/shared-config';

/** Every environment variable orders reads (shared ones in loadSharedConfig), validated at start-up. */
export interface OrdersConfig {
  readonly shared: SharedServiceConfig;
  /** TABLE_NAME: the orders table (partition key `orderId`). */
  readonly tableName: string;
  /** INVENTORY_URL: base URL of inventory; https:// in native mTLS mode, http:// behind the mesh. */
  readonly inventoryUrl: string;
  /** PEER_TIMEOUT_MS: budget of one call attempt to inventory. */
  readonly peerTimeoutMs: number;
  /** PEER_RETRIES: retries of a read (GET) after a failed attempt (with exponential backoff); writes are sent once. */
  readonly peerRetries: number;
  /**
   * `<SECRETS_DIR>/receipt-signing-key`, the key order receipts are signed with: a Secrets Manager secret the chart
   * mounts as a file, rotated there by the Secrets Store CSI driver and re-read every SECRETS_RELOAD_INTERVAL_MS
   * (default 10 s). Without SECRETS_DIR (local runs) orders are answered without a receipt.
   */
  readonly receiptSigningKey?: ReloadingOperatorFile<Buffer>;
}

/** A receipt key as the file holds it; a short one is refused (at start-up: stops it; later: the current key stays). */
function parseReceiptSigningKey(text: string): Buffer {
  const key = text.trim();
  if (key.length < 32)
    throw new ServiceConfigError(
      SERVICE_ENV.secretsDir,
      `holds a ${RECEIPT_SIGNING_KEY_SECRET} of ${key.length} characters`,
      'use a key of at least 32 characters',
    );
  return Buffer.from(key, 'utf8');
}

/** The receipt key from the mounted secrets directory; a directory without it stops start-up with the fix. */
function receiptSigningKey(secretsDir: string | undefined, reloadIntervalMs: number): ReloadingOperatorFile<Buffer> | undefined {
  if (secretsDir === undefined) return undefined;
  const file = join(secretsDir, RECEIPT_SIGNING_KEY_SECRET);
  try {
    return new ReloadingOperatorFile(file, reloadIntervalMs, parseReceiptSigningKey);
  } catch (err) {
    if (err instanceof ServiceConfigError) throw err;
    throw new ServiceConfigError(
      SERVICE_ENV.secretsDir,
      `has no readable ${RECEIPT_SIGNING_KEY_SECRET}`,
      `mount the ${RECEIPT_SIGNING_KEY_SECRET} secret at ${file}`,
    );
  }
}

export function loadOrdersConfig(env: NodeJS.ProcessEnv, service: ServiceDefinition): OrdersConfig {
  const reader = new EnvReader(env);
  const shared = loadSharedConfig(reader, service);
  const scheme = shared.mtls.mode === 'native' ? 'https' : 'http';
  const inventoryUrl = reader.matching(
    'INVENTORY_URL',
    scheme === 'https' ? /^https:\/\/[^/]+$/ : /^http:\/\/[^/]+$/,
    `set it to ${scheme}://<host>:<port> of inventory (${scheme} because MTLS_MODE is ${shared.mtls.mode}), without a path`,
  );
  if (!URL.canParse(inventoryUrl)) throw new ServiceConfigError('INVENTORY_URL', `is "${inventoryUrl}"`, 'use a valid URL');
  return {
    shared,
    tableName: reader.required(SERVICE_ENV.tableName, 'set it to the orders DynamoDB table name'),
    inventoryUrl,
    peerTimeoutMs: reader.integer('PEER_TIMEOUT_MS', 2000, 10, 60_000),
    peerRetries: reader.integer('PEER_RETRIES', 2, 0, 5),
    receiptSigningKey: receiptSigningKey(
      reader.optional(SERVICE_ENV.secretsDir),
      reader.integer('SECRETS_RELOAD_INTERVAL_MS', 10_000, 10, 300_000),
    ),
  };
}
