import { createDocumentClient } from '../../shared/src/dynamo';
import { call, CallResult } from '../../shared/test/support/http-call';
import { createTestPlatform, TestPlatform } from '../../shared/test/support/test-services';
import { DynamoOrderStore } from '../src/dynamo-order-store';

// Object-level authorization (OWASP API1): orders belong to the subject that placed them, and ids are per subject.

type Caller = 'alice' | 'bob' | 'support';
let platform: TestPlatform;
let ordersUrl: string;
let tokens: Record<Caller, string>;

beforeAll(async () => {
  platform = await createTestPlatform();
  const inventory = await platform.startInventory();
  const inventoryUrl = `http://127.0.0.1:${inventory.ports.port}`;
  ordersUrl = `http://127.0.0.1:${(await platform.startOrders({ INVENTORY_URL: inventoryUrl })).ports.port}`;
  const customerScopes = ['orders/read', 'orders/write', 'inventory/read'];
  tokens = {
    alice: platform.cognito.mint(customerScopes, { sub: 'alice' }),
    bob: platform.cognito.mint(customerScopes, { sub: 'bob' }),
    support: platform.cognito.mint(['orders/read', 'orders/admin'], { sub: 'support' }),
  };
  await call(`${inventoryUrl}/inventory/sku-a`, {
    method: 'PUT',
    token: platform.cognito.mint(['inventory/write']),
    body: { quantity: 10 },
  });
});

afterAll(() => platform.close());

const place = (who: Caller, orderId: string, quantity = 1) =>
  call(`${ordersUrl}/orders`, { method: 'POST', token: tokens[who], body: { orderId, sku: 'sku-a', quantity } });
const read = (who: Caller, orderId: string) => call(`${ordersUrl}/orders/${orderId}`, { token: tokens[who] });
/** The outline of a reply: its status, header names and body fields (their values differ per request). */
const outline = ({ status, headers, body }: CallResult) => ({
  status,
  headers: Object.keys(headers)
    .filter((h) => h !== 'date')
    .sort(),
  body: Object.keys(body).sort(),
});

describe('GET /orders/{orderId}', () => {
  test('the owner reads its order; another subject gets exactly the reply to an id nobody uses', async () => {
    const placed = await place('alice', 'own-1');
    expect(await read('alice', 'own-1')).toMatchObject({ status: 200, body: placed.body });
    const stranger = await read('bob', 'own-1');
    const unknown = await read('bob', 'nobody-uses-this');
    expect(stranger).toMatchObject({ status: 404, body: { error: 'unknown order' } });
    expect(outline(stranger)).toEqual(outline(unknown));
    expect(stranger.body.error).toBe(unknown.body.error);
  });

  test("a token with the orders admin scope reads another subject's order; without it the same token is refused", async () => {
    const placed = await place('alice', 'own-2');
    expect(await read('support', 'own-2')).toMatchObject({ status: 200, body: placed.body });
    const withoutAdmin = platform.cognito.mint(['orders/read'], { sub: 'support' });
    expect((await call(`${ordersUrl}/orders/own-2`, { token: withoutAdmin })).status).toBe(404);
  });

  test('an admin lookup of an id several customers use is 409 naming no order, rather than a guess', async () => {
    await place('alice', 'shared-1');
    await place('bob', 'shared-1');
    expect(await read('support', 'shared-1')).toMatchObject({ status: 409, body: { error: 'order id shared-1 is used by 2 customers' } });
  });
});

describe('POST /orders', () => {
  test("an id another subject uses is answered as a fresh one: the caller's own order, 201", async () => {
    const alices = await place('alice', 'taken-1', 1);
    const bobs = await place('bob', 'taken-1', 2);
    expect(outline(bobs)).toEqual(outline(await place('bob', 'fresh-1', 2)));
    expect(bobs).toMatchObject({ status: 201, body: { orderId: 'taken-1', quantity: 2, customer: 'bob' } });
    expect((await read('bob', 'taken-1')).body).toEqual(bobs.body);
    expect((await read('alice', 'taken-1')).body).toEqual(alices.body);
  });
});

describe('the order table', () => {
  test('concurrent first orders of many customers under one id are all found by id (the customer list is not lost)', async () => {
    const store = new DynamoOrderStore(createDocumentClient(), 'orders');
    const customers = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const created = await Promise.all(
      customers.map((customer) =>
        store.create({ orderId: 'busy-1', sku: 'sku-a', quantity: 1, customer, createdAt: '2026-01-01T00:00:00.000Z' }),
      ),
    );
    expect(created).toEqual(customers.map(() => undefined));
    expect((await store.findById('busy-1')).map((order) => order.customer).sort()).toEqual(customers);
  });

  test('creating an order its customer already holds returns the stored one and overwrites nothing', async () => {
    const store = new DynamoOrderStore(createDocumentClient(), 'orders');
    const first = { orderId: 'held-1', sku: 'sku-a', quantity: 1, customer: 'c1', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(await store.create(first)).toBeUndefined();
    expect(await store.create({ ...first, quantity: 5, createdAt: '2026-01-02T00:00:00.000Z' })).toEqual(first);
    expect(await store.get('c1', 'held-1')).toEqual(first);
  });
});
