import { ChildProcess, spawn } from 'node:child_process';
import { createServer, ServerResponse } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { createInterface } from 'node:readline';
import { call } from '../../shared/test/support/http-call';
import { assertBundlesAreFresh, bundlePath } from '../../shared/test/support/service-bundles';
import { testServiceEnv } from '../../shared/test/support/test-service-env';
import { createTestPlatform, TestPlatform } from '../../shared/test/support/test-services';

const BUNDLE = bundlePath('orders');

/** The orders bundle as a child process, with its JSON log lines parsed as they arrive. */
function startBundle(env: NodeJS.ProcessEnv): { child: ChildProcess; logged: (msg: string) => Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, ['--enable-source-maps', BUNDLE], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line));
    waiters.splice(0).forEach((wake) => wake());
  });
  const logged = async (msg: string) => {
    for (;;) {
      const line = lines.find((l) => l.msg === msg);
      if (line) return line;
      if (child.exitCode !== null) throw new Error(`orders exited with ${child.exitCode} before logging "${msg}"`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { child, logged };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

let platform: TestPlatform;

beforeAll(async () => {
  assertBundlesAreFresh(['orders']);
  platform = await createTestPlatform();
});

afterAll(() => platform.close());

test('a configuration error stops the bundle with one line naming the variable', async () => {
  const child = spawn(process.execPath, [BUNDLE], {
    env: { PATH: process.env.PATH, MTLS_MODE: 'mesh' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  expect(await exitOf(child)).toBe(2);
  expect(stderr).toBe('orders: configuration error: MTLS_MODE is "mesh": set it to one of istio-ambient, native\n');
});

test('SIGTERM: in-flight requests complete, new connections are refused, a second signal changes nothing, the process exits 0', async () => {
  // A stand-in inventory that holds every stock check until released, so requests are provably in flight.
  const held: ServerResponse[] = [];
  let heldChanged = () => {};
  const inventory = createServer((_req, res) => {
    held.push(res);
    heldChanged();
  });
  await new Promise<void>((resolve) => inventory.listen(0, '127.0.0.1', resolve));
  const { child, logged } = startBundle({
    ...testServiceEnv(platform.cognito, {
      TABLE_NAME: 'orders',
      INVENTORY_URL: `http://127.0.0.1:${(inventory.address() as AddressInfo).port}`,
    }),
    ...Object.fromEntries(
      ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((k) => [k, process.env[k]]),
    ),
  });
  try {
    const { port, healthPort } = (await logged('listening')) as { port: number; healthPort: number };
    const token = platform.cognito.mint(['orders/write', 'inventory/read']);
    // Settled to a status or an error message, so a failed assertion below leaves no rejection behind.
    const inFlight = [1, 2, 3, 4, 5].map((n) =>
      call(`http://127.0.0.1:${port}/orders`, { method: 'POST', token, body: { orderId: `g-${n}`, sku: 'sku-g', quantity: 1 } }).then(
        (res) => res.status,
        (err: Error) => err.message,
      ),
    );
    while (held.length < inFlight.length) await new Promise<void>((resolve) => (heldChanged = resolve));

    child.kill('SIGTERM');
    await logged('draining');
    // An impatient operator (or kubelet and a preStop hook both) signalling again must not cut the drain.
    child.kill('SIGTERM');
    child.kill('SIGINT');
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve('connected'));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect((await call(`http://127.0.0.1:${healthPort}/readyz`)).status).toBe(503);

    held.forEach((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku: 'sku-g', quantity: 9, version: 1 })),
    );
    expect(await Promise.all(inFlight)).toEqual([201, 201, 201, 201, 201]);
    expect(await exitOf(child)).toBe(0);
  } finally {
    child.kill('SIGKILL');
    inventory.closeAllConnections();
    inventory.close();
  }
});
