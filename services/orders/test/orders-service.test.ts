import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { call } from '../../shared/test/support/http-call';
import { createTestPlatform, TestPlatform } from '../../shared/test/support/test-services';

let platform: TestPlatform;
let ordersUrl: string;
let orderToken: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  const inventory = await platform.startInventory();
  const inventoryUrl = `http://127.0.0.1:${inventory.ports.port}`;
  const orders = await platform.startOrders({ INVENTORY_URL: inventoryUrl });
  ordersUrl = `http://127.0.0.1:${orders.ports.port}`;
  orderToken = platform.cognito.mint(['orders/read', 'orders/write', 'inventory/read']);
  const stocker = platform.cognito.mint(['inventory/write']);
  await call(`${inventoryUrl}/inventory/sku-a`, { method: 'PUT', token: stocker, body: { quantity: 10 } });
});

afterAll(() => platform.close());

const order = (orderId: string, quantity = 2, sku = 'sku-a') => ({ orderId, sku, quantity });

describe('placing orders (orders -> inventory -> DynamoDB)', () => {
  test('an order within stock is stored and can be read back', async () => {
    const placed = await call(`${ordersUrl}/orders`, { method: 'POST', token: orderToken, body: order('o-1') });
    expect(placed).toMatchObject({ status: 201, body: { orderId: 'o-1', sku: 'sku-a', quantity: 2, customer: 'user-123' } });
    expect((await call(`${ordersUrl}/orders/o-1`, { token: orderToken })).body).toEqual(placed.body);
  });

  test('a retry gets the stored order back with 200; the same orderId with another body is 409 and the first order stays', async () => {
    const placed = await call(`${ordersUrl}/orders`, { method: 'POST', token: orderToken, body: order('o-2', 1) });
    const retried = await call(`${ordersUrl}/orders`, { method: 'POST', token: orderToken, body: order('o-2', 1) });
    expect(retried).toMatchObject({ status: 200, body: placed.body });
    const changed = await call(`${ordersUrl}/orders`, { method: 'POST', token: orderToken, body: order('o-2', 3) });
    expect(changed).toMatchObject({ status: 409, body: { error: 'order o-2 already exists' } });
    expect((await call(`${ordersUrl}/orders/o-2`, { token: orderToken })).body).toEqual(placed.body);
  });

  test('concurrent attempts of one order store it once: one 201, the others 200 with that same order', async () => {
    const attempts = await Promise.all(
      [1, 2, 3].map(() => call(`${ordersUrl}/orders`, { method: 'POST', token: orderToken, body: order('o-8') })),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(attempts.map((a) => a.body.createdAt)).size).toBe(1);
  });

  test('more than the stock is 409, an unknown sku 422', async () => {
    expect((await call(`${ordersUrl}/orders`, { method: 'POST', token: orderToken, body: order('o-3', 11) })).status).toBe(409);
    expect((await call(`${ordersUrl}/orders`, { method: 'POST', token: orderToken, body: order('o-4', 1, 'ghost') })).status).toBe(422);
  });

  test('inventory judges the forwarded token: without inventory/read the order is 403', async () => {
    const token = platform.cognito.mint(['orders/write']);
    const res = await call(`${ordersUrl}/orders`, { method: 'POST', token, body: order('o-5') });
    expect(res).toMatchObject({ status: 403, body: { error: 'inventory refused the token: token lacks scope inventory/read' } });
  });
});

describe('calls to a failing inventory', () => {
  let stub: Server;
  let hits = 0;
  let answer: 'unavailable' | 'silent' = 'unavailable';

  beforeAll(async () => {
    stub = createServer((_req, res) => {
      hits++;
      if (answer === 'unavailable') res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => {
    stub.closeAllConnections();
    stub.close();
  });

  const stubUrl = () => `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;

  test('5xx answers are retried with a bound, then the circuit opens and calls fail fast with 503', async () => {
    const orders = await platform.startOrders({ INVENTORY_URL: stubUrl(), PEER_RETRIES: '2' });
    const url = `http://127.0.0.1:${orders.ports.port}/orders`;
    const place = () => call(url, { method: 'POST', token: orderToken, body: order('o-6') });
    hits = 0;
    expect((await place()).status).toBe(502);
    expect(hits).toBe(3);
    // Attempts 4 and 5 fail, the fifth consecutive failure opens the circuit, the third attempt is refused by it.
    expect((await place()).status).toBe(503);
    expect(hits).toBe(5);
    expect((await place()).status).toBe(503);
    expect(hits).toBe(5);
  });

  test('an attempt that outlives PEER_TIMEOUT_MS is cut and answered 504', async () => {
    answer = 'silent';
    const orders = await platform.startOrders({ INVENTORY_URL: stubUrl(), PEER_RETRIES: '0', PEER_TIMEOUT_MS: '100' });
    const res = await call(`http://127.0.0.1:${orders.ports.port}/orders`, { method: 'POST', token: orderToken, body: order('o-7') });
    expect(res.status).toBe(504);
  });
});
