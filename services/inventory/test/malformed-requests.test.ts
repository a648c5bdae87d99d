import { connect } from 'node:net';
import { call, CallOptions } from '../../shared/test/support/http-call';
import { createTestPlatform, RunningService, TestPlatform } from '../../shared/test/support/test-services';

let platform: TestPlatform;
let inventory: RunningService;
let url: string;
let token: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  inventory = await platform.startInventory();
  url = `http://127.0.0.1:${inventory.ports.port}`;
  token = platform.cognito.mint(['inventory/read', 'inventory/write']);
  await call(`${url}/inventory/sku-f`, { method: 'PUT', token, body: { quantity: 3 } });
});

afterAll(() => platform.close());

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
function randomSource(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % below;
  };
}

const random = randomSource(42);
const pick = <T>(items: readonly T[]): T => items[random(items.length)];
const randomText = (length: number) => Array.from({ length }, () => String.fromCharCode(random(0x3000))).join('');

/** Bodies that can never be a valid SetStock. */
function malformedBody(i: number): string {
  const shapes = [
    () => randomText(1 + random(64)),
    () => JSON.stringify({ quantity: 1 }).slice(0, 1 + random(12)),
    () => JSON.stringify(pick([null, [], 'text', 7, true, [{ quantity: 1 }]])),
    () => JSON.stringify({ quantity: pick(['1', -1, 1.5, 2_000_000, null, {}, [], true]) }),
    () => JSON.stringify({ quantity: 1, [randomText(5)]: 1 }),
    () => JSON.stringify({ quantity: 1, expectedVersion: pick([0, -3, 'v1', 1.1]) }),
    () => JSON.stringify({ expectedVersion: 1 }),
    () => '['.repeat(5000) + ']'.repeat(5000),
    () => '{"quantity":1,"__proto__":{"polluted":true}}',
    () => '',
  ];
  return shapes[i % shapes.length]();
}

function expectClientError(status: number, what: string): void {
  if (status < 400 || status > 499) throw new Error(`${what}: expected a 4xx, got ${status}`);
}

/** Sends raw bytes and returns the status code of the first response line (0 if the server just closed). */
function rawExchange(bytes: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(inventory.ports.port, '127.0.0.1', () => socket.end(bytes));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

test('300 malformed bodies are each a 4xx', async () => {
  for (let i = 0; i < 300; i++) {
    const body = malformedBody(i);
    const res = await call(`${url}/inventory/sku-f`, {
      method: 'PUT',
      token,
      body: body === '' ? undefined : body,
      headers: { 'content-type': 'application/json' },
    });
    expectClientError(res.status, `body ${JSON.stringify(body.slice(0, 40))}`);
  }
});

test('malformed headers, methods and paths are each a 4xx', async () => {
  const variants: [string, CallOptions][] = [];
  for (let i = 0; i < 60; i++) {
    variants.push([
      `${url}/inventory/sku-f`,
      {
        headers: {
          authorization: pick([
            '',
            'Basic abc',
            'Bearer',
            `Bearer ${randomText(20)}`.replace(/[^\x20-\x7e]/g, 'x'),
            `Bearer ${token}x`,
            `bearer ${token}`,
            `Bearer ${'a.'.repeat(3000)}a`,
          ]),
        },
      },
    ]);
    variants.push([
      `${url}/inventory/sku-f`,
      {
        method: 'PUT',
        token,
        body: '{"quantity":1}',
        headers: {
          'content-type': pick([
            'text/plain',
            'application/json; charset=latin1',
            'multipart/form-data',
            'application/jsonx',
            'application/x-www-form-urlencoded',
          ]),
        },
      },
    ]);
    variants.push([
      `${url}${pick(['/inventory/%ZZ', '/inventory/', '/inventory/a/b', '/inventory', `/inventory/${'s'.repeat(2000)}`, '/nope', '/inventory/bad%20sku', '/INVENTORY/x', '/inventory/..%2F..%2Fetc'])}`,
      { token },
    ]);
    variants.push([`${url}/inventory/sku-f`, { method: pick(['PATCH', 'OPTIONS', 'TRACE', 'POST', 'DELETE']), token }]);
    variants.push([
      `${url}/inventory/sku-f`,
      { method: 'PUT', token, body: JSON.stringify({ quantity: 1, pad: 'x'.repeat(20_000 + random(50_000)) }) },
    ]);
  }
  for (const [target, options] of variants)
    expectClientError((await call(target, options)).status, `${options.method ?? 'GET'} ${target.slice(0, 60)}`);
  expect(variants.length).toBe(300);
});

test('specific statuses: 404, 405 with Allow, 413, 415, 400 naming the field', async () => {
  expect((await call(`${url}/nope`, { token })).status).toBe(404);
  const notAllowed = await call(`${url}/inventory/sku-f`, { method: 'DELETE', token });
  expect(notAllowed).toMatchObject({ status: 405, headers: { allow: 'GET, PUT' } });
  expect((await call(`${url}/inventory/sku-f`, { method: 'PUT', token, body: { quantity: 1, pad: 'x'.repeat(20_000) } })).status).toBe(413);
  expect(
    (await call(`${url}/inventory/sku-f`, { method: 'PUT', token, body: 'quantity=1', headers: { 'content-type': 'text/plain' } })).status,
  ).toBe(415);
  expect((await call(`${url}/inventory/sku-f`, { method: 'PUT', token, body: { quantity: 'many' } })).body.error).toBe(
    'body.quantity must be integer',
  );
  expect((await call(`${url}/inventory/sku-f`, { method: 'PUT', token, body: {} })).body.error).toBe(
    "body.quantity must have required property 'quantity'",
  );
  expect((await call(`${url}/inventory/sku-f`, { method: 'PUT', token, body: { quantity: 1, colour: 'red' } })).body.error).toBe(
    'body.colour is not allowed',
  );
});

test('broken HTTP on the wire is refused by the parser, not the service', async () => {
  const requests = [
    'GARBAGE\r\n\r\n',
    'GET /inventory/sku-f HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(20_000) + '\r\n\r\n',
    'PUT /inventory/sku-f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'GET /inventory/sku-f HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    'PUT /inventory/sku-f HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  ];
  for (const bytes of requests) expectClientError(await rawExchange(bytes), JSON.stringify(bytes.slice(0, 40)));
});

test('an absolute-form target is refused, and logged by its path alone: its authority may carry a password', async () => {
  const before = inventory.logLines.length;
  const targets = ['http://admin:S3cret@x/inventory/sku-f?token=t', 'https://admin:S3cret@x', 'admin:S3cret@x:443'];
  for (const target of targets) {
    expectClientError(await rawExchange(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`), target);
  }
  const lines = inventory.logLines.slice(before).map((line) => JSON.parse(line));
  expect(lines.map((line) => [line.msg, line.status, line.path])).toEqual([
    ['request', 404, '/inventory/sku-f'],
    ['request', 404, undefined],
    // Node's parser refuses an authority-form target outside CONNECT: the line is the connection's, with no target.
    ['connection error', undefined, undefined],
  ]);
  expect(inventory.logLines.slice(before).join('\n')).not.toMatch(/admin|S3cret|token/);
});

test('an unsupported Expect is 417 and an HTTP/1.1 request without Host 400, each with its access line', async () => {
  const before = inventory.logLines.length;
  const auth = `Authorization: Bearer ${token}\r\n`;
  expect(await rawExchange(`GET /inventory/sku-f HTTP/1.1\r\nHost: x\r\n${auth}Expect: foo\r\n\r\n`)).toBe(417);
  expect(await rawExchange(`GET /inventory/sku-f HTTP/1.1\r\n${auth}\r\n`)).toBe(400);
  // HTTP/1.0 has no Host header to require: without a token, the refusal is the token's.
  expect(await rawExchange(`GET /inventory/sku-f HTTP/1.0\r\n\r\n`)).toBe(401);
  const lines = inventory.logLines.slice(before).map((line) => JSON.parse(line));
  expect(lines.map((line) => [line.msg, line.status, line.path])).toEqual([
    ['request', 417, '/inventory/sku-f'],
    ['request', 400, '/inventory/sku-f'],
    ['request', 401, '/inventory/sku-f'],
  ]);
});

test('after all of it the service still serves and never answered 5xx', async () => {
  expect((await call(`${url}/inventory/sku-f`, { token })).status).toBe(200);
  expect((await call(`http://127.0.0.1:${inventory.ports.healthPort}/readyz`)).status).toBe(200);
  const statuses = inventory.logLines
    .map((line) => JSON.parse(line))
    .filter((line) => line.msg === 'request')
    .map((line) => line.status);
  expect(statuses.length).toBeGreaterThan(600);
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
});
