import * as fs from 'node:fs';
import { createServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpError } from '../src/http/http-error';
import { ReloadingTlsMaterial } from '../src/mtls/tls-material';
import { PeerClient, PeerClientProps } from '../src/peer/peer-client';
import { createTestCa, workloadId, writeTlsFiles } from './support/test-pki';
import { capturingLogger } from './support/test-logger';

/** How the peer client treats its peer: what it retries, what opens the circuit, and what it refuses on its own. */

const SLOW_MS = 300;
let server: Server;
let attempts: Record<string, number>;
/** How long the peer takes to answer each request. */
let replyAfterMs: number;

beforeAll(async () => {
  // Every request is applied at once and acknowledged after `replyAfterMs`.
  server = createServer((req, res) => {
    attempts[req.method!] = (attempts[req.method!] ?? 0) + 1;
    req.resume();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), replyAfterMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
beforeEach(() => {
  attempts = {};
  replyAfterMs = SLOW_MS;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const clients: PeerClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function peerClient(props: Partial<PeerClientProps> = {}): PeerClient {
  const client = new PeerClient({
    name: 'inventory',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logger: capturingLogger('edge'),
    connections: 4,
    attemptTimeoutMs: 100,
    retries: 2,
    breakAfter: 10,
    halfOpenAfterMs: 60_000,
    ...props,
  });
  clients.push(client);
  return client;
}

const statusOf = (call: Promise<unknown>) =>
  call.then(
    () => 200,
    (err: HttpError) => err.status,
  );

describe('a write that timed out may have been applied', () => {
  // A retried conditional PUT would meet its own first attempt's change and answer 409, reporting the client's write
  // as a conflict: writes are sent once. Reads are still retried.
  test.each(['PUT', 'POST', 'DELETE'] as const)('a %s that times out is sent once and answered 504', async (method) => {
    const status = await statusOf(peerClient().request({ method, path: '/inventory/sku-1', headers: {}, body: Buffer.from('{}') }));
    expect({ status, attempts }).toEqual({ status: 504, attempts: { [method]: 1 } });
  });

  test('a GET that times out is retried', async () => {
    const status = await statusOf(peerClient().get('/inventory/sku-1', {}));
    expect({ status, attempts }).toEqual({ status: 504, attempts: { GET: 3 } });
  });
});

test('a burst from one caller is refused as busy beyond a bounded queue, and never opens the circuit on a healthy peer', async () => {
  replyAfterMs = 50;
  const client = peerClient({ attemptTimeoutMs: 500, breakAfter: 3 });
  const burst = async (size: number) => Promise.all(Array.from({ length: size }, () => statusOf(client.get('/inventory/sku-1', {}))));
  // One on each of the 4 connections and 4 more waiting per connection: a burst that size is served whole.
  expect(new Set(await burst(20))).toEqual(new Set([200]));
  // One caller sends 600 at once (as a pipelined burst reaches the edge); the peer answers each in 50 ms.
  attempts = {};
  const statuses = await burst(600);
  const served = statuses.filter((status) => status === 200).length;
  // A few served, the rest refused at once (503), none timed out in a queue.
  expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
  expect(served).toBeGreaterThanOrEqual(20);
  expect(attempts).toEqual({ GET: served });
  await expect(client.get('/inventory/sku-1', {})).resolves.toEqual({ status: 200, body: Buffer.from('{}') });
});

test('a peer presenting another identity is a failure of the peer: retried, and it opens the circuit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-identity-'));
  const ca = await createTestCa('peer identity test CA');
  const impostor = await ca.issue(workloadId('shop', 'orders'));
  let connections = 0;
  const tlsServer = createHttpsServer({ ...impostor, minVersion: 'TLSv1.3' }, (_req, res) => res.end('{}'));
  tlsServer.on('connection', () => connections++);
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const logger = capturingLogger('edge');
  const tls = new ReloadingTlsMaterial(
    writeTlsFiles(dir, await ca.issue(workloadId('platform-ingress', 'ingress-gateway'))),
    60_000,
    logger,
  );
  try {
    const client = peerClient({
      baseUrl: `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`,
      mtls: { tls, expectedIdentity: workloadId('shop', 'inventory') },
      retries: 1,
      breakAfter: 4,
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await statusOf(client.get('/inventory/sku-1', {})));
    // Two attempts each for the first two calls, then the circuit is open: refused without connecting.
    expect({ statuses, connections }).toEqual({ statuses: [502, 502, 503], connections: 4 });
  } finally {
    tls.stop();
    tlsServer.closeAllConnections();
    await new Promise((resolve) => tlsServer.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
