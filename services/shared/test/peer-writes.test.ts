import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpError } from '../src/http/http-error';
import { PeerClient } from '../src/peer/peer-client';
import { capturingLogger } from './support/test-logger';

/**
 * A write that timed out may have been applied: the peer client sends it once. A retried conditional PUT would meet
 * its own first attempt's change and answer 409, reporting the client's write as a conflict. Reads are still retried.
 */
const SLOW_MS = 300;
let server: Server;
let attempts: Record<string, number>;
let client: PeerClient;

beforeAll(async () => {
  // Every request is applied at once and acknowledged after SLOW_MS, past the client's attempt timeout.
  server = createServer((req, res) => {
    attempts[req.method!] = (attempts[req.method!] ?? 0) + 1;
    req.resume();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), SLOW_MS).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new PeerClient({
    name: 'inventory',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logger: capturingLogger('edge'),
    connections: 4,
    attemptTimeoutMs: 100,
    retries: 2,
    breakAfter: 10,
    halfOpenAfterMs: 60_000,
  });
});
beforeEach(() => {
  attempts = {};
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const statusOf = (call: Promise<unknown>) =>
  call.then(
    () => 200,
    (err: HttpError) => err.status,
  );

test.each(['PUT', 'POST', 'DELETE'] as const)('a %s that times out is sent once and answered 504', async (method) => {
  const status = await statusOf(client.request({ method, path: '/inventory/sku-1', headers: {}, body: Buffer.from('{}') }));
  expect({ status, attempts }).toEqual({ status: 504, attempts: { [method]: 1 } });
});

test('a GET that times out is retried', async () => {
  const status = await statusOf(client.get('/inventory/sku-1', {}));
  expect({ status, attempts }).toEqual({ status: 504, attempts: { GET: 3 } });
});
