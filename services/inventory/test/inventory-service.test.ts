import { call } from '../../shared/test/support/http-call';
import { CLIENT_ID } from '../../shared/test/support/test-cognito';
import { createTestPlatform, RunningService, TestPlatform } from '../../shared/test/support/test-services';

let platform: TestPlatform;
let inventory: RunningService;
let url: string;
let readToken: string;
let writeToken: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  inventory = await platform.startInventory();
  url = `http://127.0.0.1:${inventory.ports.port}`;
  readToken = platform.cognito.mint(['inventory/read']);
  writeToken = platform.cognito.mint(['inventory/read', 'inventory/write']);
});

afterAll(() => platform.close());

describe('stock levels in DynamoDB (dynalite)', () => {
  test('create, read, update with the current version', async () => {
    expect((await call(`${url}/inventory/sku-1`, { method: 'PUT', token: writeToken, body: { quantity: 5 } })).body).toEqual({
      sku: 'sku-1',
      quantity: 5,
      version: 1,
    });
    expect((await call(`${url}/inventory/sku-1`, { token: readToken })).body).toEqual({ sku: 'sku-1', quantity: 5, version: 1 });
    const updated = await call(`${url}/inventory/sku-1`, { method: 'PUT', token: writeToken, body: { quantity: 7, expectedVersion: 1 } });
    expect(updated).toMatchObject({ status: 200, body: { quantity: 7, version: 2 } });
  });

  test('conditional-write conflicts are 409: stale version, or creating an existing sku', async () => {
    await call(`${url}/inventory/sku-2`, { method: 'PUT', token: writeToken, body: { quantity: 1 } });
    const stale = { quantity: 9, expectedVersion: 5 };
    expect((await call(`${url}/inventory/sku-2`, { method: 'PUT', token: writeToken, body: stale })).status).toBe(409);
    expect((await call(`${url}/inventory/sku-2`, { method: 'PUT', token: writeToken, body: { quantity: 9 } })).status).toBe(409);
    expect((await call(`${url}/inventory/sku-2`, { token: readToken })).body).toMatchObject({ quantity: 1, version: 1 });
  });

  test('concurrent updates from the same version: exactly one wins', async () => {
    await call(`${url}/inventory/sku-3`, { method: 'PUT', token: writeToken, body: { quantity: 1 } });
    const statuses = await Promise.all(
      [2, 3, 4, 5].map((quantity) =>
        call(`${url}/inventory/sku-3`, { method: 'PUT', token: writeToken, body: { quantity, expectedVersion: 1 } }).then((r) => r.status),
      ),
    );
    expect(statuses.sort()).toEqual([200, 409, 409, 409]);
  });

  test('an unknown sku is 404', async () => {
    expect((await call(`${url}/inventory/nope`, { token: readToken })).status).toBe(404);
  });
});

describe('access tokens', () => {
  test.each([
    ['no token', () => undefined],
    ['not a JWT', () => 'not.a.jwt'],
    ['expired', () => platform.cognito.mint(['inventory/read'], { exp: Math.floor(Date.now() / 1000) - 5 })],
    ['forged with the pool key id', () => platform.cognito.mint(['inventory/read'], {}, { key: 'forged-same-kid' })],
    ['forged with another key id', () => platform.cognito.mint(['inventory/read'], {}, { key: 'forged-other-kid' })],
    ['an id token', () => platform.cognito.mint(['inventory/read'], { token_use: 'id' })],
    ['another app client', () => platform.cognito.mint(['inventory/read'], { client_id: 'someone-else' })],
    [
      'another issuer',
      () => platform.cognito.mint(['inventory/read'], { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }),
    ],
  ])('%s is 401', async (_case, token) => {
    const res = await call(`${url}/inventory/sku-1`, { token: token() });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  test('a valid token without the route scope is 403', async () => {
    const res = await call(`${url}/inventory/sku-1`, { method: 'PUT', token: readToken, body: { quantity: 1 } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('token lacks scope inventory/write');
    const line = inventory.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === res.headers['x-request-id']);
    expect(line).toMatchObject({ status: 403, subject: 'user-123' });
  });

  test('the app client id is checked against COGNITO_CLIENT_IDS', async () => {
    expect(
      (await call(`${url}/inventory/sku-1`, { token: platform.cognito.mint(['inventory/read'], { client_id: CLIENT_ID }) })).status,
    ).toBe(200);
  });
});

describe('logs', () => {
  test('each request is one JSON line with request id and subject, and no token', async () => {
    await call(`${url}/inventory/sku-1`, { token: readToken, headers: { 'x-request-id': 'req-abc' } });
    const line = inventory.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === 'req-abc');
    expect(line).toMatchObject({ level: 'info', service: 'inventory', msg: 'request', status: 200, subject: 'user-123' });
    const secrets = [readToken, writeToken].flatMap((t) => [t, t.split('.')[2]]);
    expect(inventory.logLines.filter((l) => secrets.some((s) => l.includes(s)))).toEqual([]);
  });

  test('the logged path leaves out the query string, where a client may have put a token', async () => {
    await call(`${url}/inventory/sku-1?access_token=${readToken}`, { token: readToken, headers: { 'x-request-id': 'req-query' } });
    const line = inventory.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === 'req-query');
    expect(line).toMatchObject({ msg: 'request', path: '/inventory/sku-1' });
    expect(inventory.logLines.filter((l) => l.includes(readToken.split('.')[2]))).toEqual([]);
  });
});

describe('probes', () => {
  test('/healthz and /readyz answer on the health port', async () => {
    const health = `http://127.0.0.1:${inventory.ports.healthPort}`;
    expect((await call(`${health}/healthz`)).status).toBe(200);
    expect((await call(`${health}/readyz`)).body).toEqual({ status: 'ready' });
  });
});
