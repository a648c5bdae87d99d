import { createHmac } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECEIPT_SIGNING_KEY_SECRET } from '../../../lib/catalogue/service-catalogue';
import { SERVICE_ENV } from '../../../lib/catalogue/service-contract';
import { call } from '../../shared/test/support/http-call';
import { createTestPlatform, TestPlatform } from '../../shared/test/support/test-services';

/**
 * The sample service secret end to end on the service side: orders reads the receipt-signing key from the file the
 * Secrets Store CSI driver mounts (`SECRETS_DIR/receipt-signing-key`, never an environment variable) and signs every
 * order it answers with it; when the driver writes a rotated key, orders signs with it without a restart.
 */
const KEY = 'k'.repeat(40);
const receiptOf = (key: string, order: Record<string, unknown>) =>
  createHmac('sha256', key)
    .update(JSON.stringify([order.customer, order.orderId, order.sku, String(order.quantity), order.createdAt]))
    .digest('hex');
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
  expect(placed.body.receipt).toBe(receiptOf(KEY, placed.body));
  expect((await call(`${url}/orders/r-1`, { token })).body).toEqual(placed.body);
});

test('a secrets directory without the key stops start-up naming the variable and the fix', async () => {
  await expect(platform.startOrders({ INVENTORY_URL: inventoryUrl, [SERVICE_ENV.secretsDir]: platform.dir })).rejects.toThrow(
    /SECRETS_DIR has no readable receipt-signing-key: mount the receipt-signing-key secret at/,
  );
});

test('orders signs with a rotated key once the file changes, without a restart or a failed request', async () => {
  const dir = join(platform.dir, 'rotating');
  mkdirSync(dir);
  const file = join(dir, RECEIPT_SIGNING_KEY_SECRET);
  writeFileSync(file, KEY, { mode: 0o600 });
  const orders = await platform.startOrders({
    INVENTORY_URL: inventoryUrl,
    [SERVICE_ENV.secretsDir]: dir,
    SECRETS_RELOAD_INTERVAL_MS: '20',
  });
  const url = `http://127.0.0.1:${orders.ports.port}`;
  const token = platform.cognito.mint(['orders/read', 'orders/write', 'inventory/read']);
  const placed = await call(`${url}/orders`, { method: 'POST', token, body: { orderId: 'r-2', sku: 'sku-r', quantity: 1 } });
  expect(placed.body.receipt).toBe(receiptOf(KEY, placed.body));

  // Too short: refused, the current key stays.
  writeFileSync(file, 'short', { mode: 0o600 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await call(`${url}/orders/r-2`, { token })).body.receipt).toBe(receiptOf(KEY, placed.body));

  // As the driver does: the new content replaces the file at once.
  const rotated = 'n'.repeat(64);
  writeFileSync(join(dir, 'next'), rotated, { mode: 0o600 });
  renameSync(join(dir, 'next'), file);
  const statuses: number[] = [];
  const deadline = Date.now() + 5000;
  let receipt: string | undefined;
  while (Date.now() < deadline) {
    const reply = await call(`${url}/orders/r-2`, { token });
    statuses.push(reply.status);
    receipt = reply.body.receipt as string;
    if (receipt === receiptOf(rotated, placed.body)) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(receipt).toBe(receiptOf(rotated, placed.body));
  expect(statuses.every((status) => status === 200)).toBe(true);
});
