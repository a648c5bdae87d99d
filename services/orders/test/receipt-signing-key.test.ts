import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECEIPT_SIGNING_KEY_SECRET } from '../../../lib/catalogue/service-catalogue';
import { SERVICE_ENV } from '../../../lib/catalogue/service-contract';
import { call } from '../../shared/test/support/http-call';
import { createTestPlatform, TestPlatform } from '../../shared/test/support/test-services';

/**
 * The sample service secret end to end on the service side: orders reads the receipt-signing key from the file the
 * Secrets Store CSI driver mounts (`SECRETS_DIR/receipt-signing-key`, never an environment variable) and signs every
 * order it answers with it.
 */
const KEY = 'k'.repeat(40);
let platform: TestPlatform;
let secretsDir: string;
let inventoryUrl: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  const inventory = await platform.startInventory();
  inventoryUrl = `http://127.0.0.1:${inventory.ports.port}`;
  await call(`${inventoryUrl}/inventory/sku-r`, {
    method: 'PUT',
    token: platform.cognito.mint(['inventory/write']),
    body: { quantity: 5 },
  });
  secretsDir = join(platform.dir, 'secrets');
  mkdirSync(secretsDir);
  writeFileSync(join(secretsDir, RECEIPT_SIGNING_KEY_SECRET), `${KEY}\n`, { mode: 0o400 });
});

afterAll(() => platform.close());

test('orders signs each order with the key read from the mounted secret file', async () => {
  const orders = await platform.startOrders({ INVENTORY_URL: inventoryUrl, [SERVICE_ENV.secretsDir]: secretsDir });
  const url = `http://127.0.0.1:${orders.ports.port}`;
  const token = platform.cognito.mint(['orders/read', 'orders/write', 'inventory/read']);
  const placed = await call(`${url}/orders`, { method: 'POST', token, body: { orderId: 'r-1', sku: 'sku-r', quantity: 1 } });
  expect(placed.status).toBe(201);
  const { customer, orderId, sku, quantity, createdAt } = placed.body;
  const expected = createHmac('sha256', KEY)
    .update(JSON.stringify([customer, orderId, sku, String(quantity), createdAt]))
    .digest('hex');
  expect(placed.body.receipt).toBe(expected);
  expect((await call(`${url}/orders/r-1`, { token })).body).toEqual(placed.body);
});

test('a secrets directory without the key stops start-up naming the variable and the fix', async () => {
  await expect(platform.startOrders({ INVENTORY_URL: inventoryUrl, [SERVICE_ENV.secretsDir]: platform.dir })).rejects.toThrow(
    /SECRETS_DIR has no readable receipt-signing-key: mount the receipt-signing-key secret at/,
  );
});
