import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { call } from '../../shared/test/support/http-call';
import { createTestPlatform, TestPlatform } from '../../shared/test/support/test-services';

// The drain deadline is the last word: a peer call still in flight then is abandoned, not waited for, since SIGKILL
// follows the deadline by only EXIT_MARGIN_SECONDS (lib/charts/graceful-shutdown.ts).

const SHUTDOWN_GRACE_MS = 300;
let platform: TestPlatform;
let inventory: Server;

beforeAll(async () => {
  platform = await createTestPlatform();
  // An inventory that accepts the stock check and never answers.
  inventory = createServer(() => undefined);
  await new Promise<void>((resolve) => inventory.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  inventory.closeAllConnections();
  await new Promise((resolve) => inventory.close(resolve));
  await platform.close();
});

test('shutdown ends at the drain deadline with a peer call in flight, not when the call would time out', async () => {
  const orders = await platform.startOrders({
    INVENTORY_URL: `http://127.0.0.1:${(inventory.address() as AddressInfo).port}`,
    PEER_TIMEOUT_MS: '10000',
    PEER_RETRIES: '0',
    SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
  });
  const token = platform.cognito.mint(['orders/write', 'inventory/read']);
  const placed = call(`http://127.0.0.1:${orders.ports.port}/orders`, {
    method: 'POST',
    token,
    body: { orderId: 'held', sku: 'sku-h', quantity: 1 },
  }).catch((err: Error) => err.message);
  const connections = () => new Promise<number>((resolve) => inventory.getConnections((_err, count) => resolve(count)));
  while ((await connections()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const started = Date.now();
  await orders.server.shutdown();
  expect(Date.now() - started).toBeLessThan(SHUTDOWN_GRACE_MS + 1500);
  await placed;
});
