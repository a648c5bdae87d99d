/**
 * HTTP/1.1 pipelining: a client may send its next request before the previous reply. Node runs each request's
 * handler as soon as its headers are in and writes the replies in order, so one connection can have several requests
 * in flight. What must hold: a later request's parse error or timeout never replaces an earlier request's reply, and a
 * drain answers every request it has received (the last reply closes the connection), and waits for their handlers.
 */
import * as fs from 'node:fs';
import { connect, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadInventoryConfig } from '../../../inventory/src/config';
import { createInventoryServer, INVENTORY_SERVICE } from '../../../inventory/src/inventory-server';
import { InventoryStore, StockLevel } from '../../../inventory/src/inventory-store';
import { ServiceServer } from '../../src/http/service-server';
import { createTestCognito, TestCognito } from '../support/test-cognito';
import { capturingLogger } from '../support/test-logger';
import { testServiceEnv } from '../support/test-service-env';

const HEADERS_TIMEOUT_MS = 300;
const SHUTDOWN_GRACE_MS = 1000;

/** Stock in memory, where each call waits until the test lets it go, so a request is provably in flight. */
class HeldStore implements InventoryStore {
  readonly levels = new Map<string, StockLevel>();
  /** Every call the store has had. */
  calls = 0;
  private readonly held: (() => void)[] = [];
  private readonly arrivals: (() => void)[] = [];
  private opened = false;

  async get(sku: string): Promise<StockLevel | undefined> {
    await this.hold();
    return this.levels.get(sku);
  }

  async set(sku: string, quantity: number, expectedVersion: number | undefined): Promise<StockLevel | undefined> {
    await this.hold();
    if (this.levels.get(sku)?.version !== expectedVersion) return undefined;
    const level = { sku, quantity, version: (expectedVersion ?? 0) + 1 };
    this.levels.set(sku, level);
    return level;
  }

  /** Resolves once `count` calls are waiting. */
  async waiting(count: number): Promise<void> {
    while (this.held.length < count) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  /** How many calls are waiting now. */
  get holding(): number {
    return this.held.length;
  }

  releaseAll(): void {
    this.held.splice(0).forEach((release) => release());
  }

  /** Releases every waiting call, and lets every later one through. */
  open(): void {
    this.opened = true;
    this.releaseAll();
  }

  private hold(): Promise<void> {
    this.calls++;
    if (this.opened) return Promise.resolve();
    return new Promise((resolve) => {
      this.held.push(resolve);
      this.arrivals.splice(0).forEach((arrived) => arrived());
    });
  }
}

let dir: string;
let cognito: TestCognito;
let token: string;
let store: HeldStore;
let server: ServiceServer;
let port: number;
let healthPort: number;
let logLines: string[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelining-'));
  cognito = createTestCognito(dir);
  token = cognito.mint(['inventory/read', 'inventory/write']);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  store = new HeldStore();
  store.levels.set('sku-1', { sku: 'sku-1', quantity: 5, version: 1 });
  const logger = capturingLogger('inventory');
  logLines = logger.lines;
  const env = testServiceEnv(cognito, {
    TABLE_NAME: 'inventory',
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
  });
  server = createInventoryServer(loadInventoryConfig(env, INVENTORY_SERVICE), store, logger);
  ({ port, healthPort } = await server.listen('127.0.0.1'));
});
afterEach(async () => {
  store.open();
  await server.shutdown();
});

/** A GET of one sku; `last` asks the server to close the connection after its reply. */
const get = (sku: string, last = false) =>
  `GET /inventory/${sku} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
function put(sku: string, quantity: number): string {
  const body = JSON.stringify({ quantity });
  return (
    `PUT /inventory/${sku} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
  );
}

/** Writes `bytes` on one connection, then `whileOpen()`; resolves with every reply's status line once it closes. */
function pipelined(bytes: string, whileOpen: (socket: Socket) => Promise<void>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      whileOpen(socket).catch(reject);
    });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no close within 5 s; received: ${received}`)));
    // A reply's body ends without a line break: the next status line follows on the same line.
    socket.on('close', () => resolve(received.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? []));
  });
}

const accessLines = () =>
  logLines
    .map((line) => JSON.parse(line))
    .filter((line) => line.msg === 'request')
    .map(({ method, path: requestPath, status, outcome }) => ({ method, path: requestPath, status, outcome }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a malformed request behind one in flight gets its 400 after that reply, which stays its own', async () => {
  const replies = await pipelined(get('sku-1') + 'GET / HTTP/1.1\r\nBad Header\r\n\r\n', async (socket) => {
    await store.waiting(1);
    // More bytes while the error waits for its turn: the parser reports each chunk again, one log line is enough.
    for (let i = 0; i < 20; i++) {
      socket.write('x');
      await sleep(5);
    }
    store.releaseAll();
  });
  expect(replies).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
  expect(accessLines()).toEqual([{ method: 'GET', path: '/inventory/sku-1', status: 200, outcome: 'completed' }]);
  expect(logLines.filter((line) => JSON.parse(line).msg === 'connection error')).toHaveLength(1);
});

test('headers that time out behind a request in flight: that request is answered and logged as completed, then 408', async () => {
  const replies = await pipelined(`${get('sku-1')}GET /inventory/sku-1 HTTP/1.1\r\nHost: x\r\n`, async (socket) => {
    await store.waiting(1);
    // Held well past the headers timeout, so that it fires while the first request is still in flight.
    await sleep(HEADERS_TIMEOUT_MS + 1200);
    // The timed-out request's headers complete after its 408 was decided: it must not run.
    socket.write(`Authorization: Bearer ${token}\r\n\r\n`);
    await sleep(100);
    store.releaseAll();
  });
  expect(replies).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 408 Request Timeout']);
  expect(store.calls).toBe(1);
  expect(accessLines()).toEqual([{ method: 'GET', path: '/inventory/sku-1', status: 200, outcome: 'completed' }]);
});

test('one connection runs at most 8 pipelined requests at once; the rest wait, and all are answered in order', async () => {
  const replies = await pipelined(Array.from({ length: 20 }, (_, i) => get(`sku-${i}`, i === 19)).join(''), async () => {
    await store.waiting(8);
    await sleep(100);
    expect(store.holding).toBe(8);
    store.open();
  });
  expect(replies).toEqual(
    Array(20)
      .fill('HTTP/1.1 404 Not Found')
      .map((line, i) => (i === 1 ? 'HTTP/1.1 200 OK' : line)),
  );
  expect(accessLines().map((line) => line.path)).toEqual(Array.from({ length: 20 }, (_, i) => `/inventory/sku-${i}`));
});

test('a cut connection: every request read gets its access line, and the waiting ones never start', async () => {
  await pipelined(Array.from({ length: 20 }, (_, i) => get(`sku-${i}`)).join(''), async (socket) => {
    await store.waiting(8);
    socket.destroy();
  });
  // Once the server has seen the connection close (every request then has its line), the held handlers finish.
  while (accessLines().length < 20) await sleep(10);
  store.open();
  await sleep(100);
  expect(store.calls).toBe(8);
  expect(accessLines().map((line) => line.outcome)).toEqual(Array(20).fill('client-closed'));
});

test('a connection with more than 32 requests read and unanswered is closed, each of them logged', async () => {
  const replies = await pipelined(Array.from({ length: 40 }, (_, i) => get(`sku-${i}`)).join(''), async () => undefined);
  expect(replies).toEqual([]);
  expect(logLines.map((line) => JSON.parse(line)).filter((line) => line.reason === 'too many pipelined requests')).toHaveLength(1);
  expect(accessLines().map((line) => line.outcome)).toEqual(Array(32).fill('client-closed'));
  store.open();
  await sleep(100);
  expect(store.calls).toBe(8);
});

test('a probe that never finishes its request does not hold the shutdown', async () => {
  const probe = connect(healthPort, '127.0.0.1', () => probe.write('GET /readyz HTTP/1.1\r\nHost: x\r\n'));
  probe.on('error', () => undefined);
  await new Promise((resolve) => probe.once('connect', resolve));
  await sleep(50);
  const started = Date.now();
  let giveUp: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    server.shutdown().then(() => true),
    new Promise<boolean>((resolve) => (giveUp = setTimeout(resolve, SHUTDOWN_GRACE_MS + 2000, false))),
  ]);
  clearTimeout(giveUp);
  probe.destroy();
  expect({ finished, withinGrace: Date.now() - started < SHUTDOWN_GRACE_MS + 1000 }).toEqual({ finished: true, withinGrace: true });
});

test('a drain waits for running handlers only up to its deadline', async () => {
  let shutdown: Promise<number> | undefined;
  await pipelined(get('sku-1'), async () => {
    await store.waiting(1);
    const started = Date.now();
    shutdown = server.shutdown().then(() => Date.now() - started);
  });
  let giveUp: NodeJS.Timeout | undefined;
  const tookMs = await Promise.race([
    shutdown!,
    new Promise<number>((resolve) => (giveUp = setTimeout(resolve, SHUTDOWN_GRACE_MS + 2000, Infinity))),
  ]);
  clearTimeout(giveUp);
  expect(tookMs).toBeGreaterThanOrEqual(SHUTDOWN_GRACE_MS - 50);
  expect(tookMs).toBeLessThan(SHUTDOWN_GRACE_MS + 1000);
});

test('a drain answers every pipelined request it received, and waits for their handlers', async () => {
  let stopped = false;
  let shutdown: Promise<void> | undefined;
  const replies = await pipelined(get('sku-1') + put('sku-2', 9), async () => {
    await store.waiting(2);
    shutdown = server.shutdown().then(() => {
      stopped = true;
    });
    await sleep(100);
    expect(stopped).toBe(false);
    store.releaseAll();
  });
  await shutdown;
  expect(replies).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
  expect(store.levels.get('sku-2')).toEqual({ sku: 'sku-2', quantity: 9, version: 1 });
  expect(accessLines()).toEqual([
    { method: 'GET', path: '/inventory/sku-1', status: 200, outcome: 'completed' },
    { method: 'PUT', path: '/inventory/sku-2', status: 200, outcome: 'completed' },
  ]);
});
