import { X509Certificate } from 'node:crypto';
import { Agent, createServer, Server } from 'node:https';
import { join } from 'node:path';
import { HttpError } from '../src/http/http-error';
import { ReloadingTlsMaterial, TlsMaterial } from '../src/mtls/tls-material';
import { PeerClient } from '../src/peer/peer-client';
import { call } from './support/http-call';
import { capturingLogger } from './support/test-logger';
import { createTestCa, INGRESS_ID, TestCa, workloadId, writeTlsFiles } from './support/test-pki';
import { createTestPlatform, TestPlatform } from './support/test-services';

/** TLS_RELOAD_INTERVAL_MS of the test services is 50: a change must reach live connections well within this. */
const REACTION_BOUND_MS = 1000;
const INVENTORY_ID = workloadId('shop', 'inventory');

let platform: TestPlatform;
let caA: TestCa;
let caB: TestCa;
let token: string;
const agents: Agent[] = [];

beforeAll(async () => {
  platform = await createTestPlatform();
  [caA, caB] = await Promise.all([createTestCa('platform CA A'), createTestCa('platform CA B')]);
  token = platform.cognito.mint(['inventory/read']);
});

afterAll(async () => {
  agents.forEach((agent) => agent.destroy());
  await platform.close();
});

/** A native-mTLS inventory serving `material` from files in `name`; returns its URL, log lines and files' dir. */
async function startNativeInventory(name: string, material: TlsMaterial, extraEnv: Record<string, string> = {}) {
  const dir = join(platform.dir, name);
  const files = writeTlsFiles(dir, material);
  const inventory = await platform.startInventory({
    MTLS_MODE: 'native',
    TLS_CERT_FILE: files.certFile,
    TLS_KEY_FILE: files.keyFile,
    TLS_CA_FILE: files.caFile,
    ...extraEnv,
  });
  return { dir, url: `https://127.0.0.1:${inventory.ports.port}/inventory/sku-unknown`, logLines: inventory.logLines };
}

/** A keep-alive agent with one connection, so that every request rides the same live connection. */
function oneConnectionAgent(material: TlsMaterial): { agent: Agent; connections: Set<unknown> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ...material });
  agents.push(agent);
  const connections = new Set<unknown>();
  agent.on('free', (socket) => connections.add(socket));
  return { agent, connections };
}

/**
 * Requests back to back until one does not get its answer (404: the sku is unknown) or `untilMs` (epoch) passes.
 * `onProgress` sees each answer, so a test can change something in the middle of the traffic.
 */
async function busyUntilFailure(url: string, agent: Agent, untilMs: number, onProgress: (answered: number) => void = () => undefined) {
  let answered = 0;
  while (Date.now() < untilMs) {
    const status = await call(url, { token, agent }).then(
      (res) => res.status,
      () => undefined,
    );
    if (status !== 404) return { failedAt: Date.now(), answered };
    onProgress(++answered);
  }
  return { failedAt: undefined, answered };
}

function closedLines(logLines: string[]): Record<string, unknown>[] {
  return logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'tls connection closed');
}

describe('server side', () => {
  test("removing the client's CA from the bundle closes its busy connection, and it cannot reconnect", async () => {
    const serverMaterial = await caA.issue(INVENTORY_ID);
    const inventory = await startNativeInventory('ca-removed', serverMaterial);
    const { agent, connections } = oneConnectionAgent(await caA.issue(INGRESS_ID));
    let changedAt = Infinity;
    const { failedAt } = await busyUntilFailure(inventory.url, agent, Date.now() + 3000, (answered) => {
      if (answered !== 20) return;
      expect(connections.size).toBe(1);
      changedAt = Date.now();
      writeTlsFiles(inventory.dir, { ...serverMaterial, ca: caB.pem });
    });
    expect(failedAt! - changedAt).toBeLessThan(REACTION_BOUND_MS);
    expect(closedLines(inventory.logLines)).toEqual([
      expect.objectContaining({
        level: 'warn',
        reason: 'peer chain does not lead to a CA of the trust bundle',
        peer: INGRESS_ID,
      }),
    ]);
    await expect(call(inventory.url, { token, agent })).rejects.toThrow();
  });

  test('a client certificate expiring closes its busy connection within the reload interval', async () => {
    const inventory = await startNativeInventory('client-expiry', await caA.issue(INVENTORY_ID));
    const shortLived = await caA.issue(INGRESS_ID, { notAfter: new Date(Date.now() + 2000) });
    const expiresAt = Date.parse(new X509Certificate(shortLived.cert).validTo);
    const { agent, connections } = oneConnectionAgent(shortLived);
    const { failedAt, answered } = await busyUntilFailure(inventory.url, agent, expiresAt + 2000);
    expect(connections.size).toBe(1);
    expect(answered).toBeGreaterThan(0);
    expect(failedAt).toBeGreaterThan(expiresAt);
    expect(failedAt! - expiresAt).toBeLessThan(REACTION_BOUND_MS);
    expect(closedLines(inventory.logLines)).toEqual([
      expect.objectContaining({ reason: 'peer certificate chain expired', peer: INGRESS_ID }),
    ]);
  });
});

test('a busy connection at its maximum age is retired after a reply: no request fails, a new connection takes over', async () => {
  const inventory = await startNativeInventory('aged', await caA.issue(INVENTORY_ID), { TLS_MAX_CONNECTION_AGE_MS: '300' });
  const { agent, connections } = oneConnectionAgent(await caA.issue(INGRESS_ID));
  const { failedAt, answered } = await busyUntilFailure(inventory.url, agent, Date.now() + 1000);
  expect({ failedAt, retiredConnections: connections.size > 1 }).toEqual({ failedAt: undefined, retiredConnections: true });
  expect(answered).toBeGreaterThan(10);
  expect(closedLines(inventory.logLines)).toContainEqual(
    expect.objectContaining({ reason: 'maximum connection age reached', peer: INGRESS_ID }),
  );
});

describe('client side (PeerClient)', () => {
  let server: Server;
  let responding: () => void;

  /** A peer whose answers take 2 s after their headers: long enough for a change to land mid-response. */
  beforeAll(async () => {
    server = createServer(
      { ...(await caA.issue(INVENTORY_ID)), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"slow":');
        responding();
        setTimeout(() => res.end('true}'), 2000).unref();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("removing the server's CA from the client's bundle cuts the response in flight, and no new connection is trusted", async () => {
    const clientMaterial = await caA.issue(workloadId('shop', 'orders'));
    const dir = join(platform.dir, 'peer-client');
    const logger = capturingLogger('orders');
    const tls = new ReloadingTlsMaterial(writeTlsFiles(dir, clientMaterial), 50, logger);
    const peer = new PeerClient({
      name: 'inventory',
      baseUrl: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
      mtls: { tls, expectedIdentity: INVENTORY_ID },
      connections: 1,
      logger,
      attemptTimeoutMs: 5000,
      retries: 1,
      breakAfter: 5,
      halfOpenAfterMs: 5000,
    });
    try {
      const headersSent = new Promise<void>((resolve) => (responding = resolve));
      const answer = peer.get('/slow', {}).then(
        () => Date.now(),
        (err: unknown) => err,
      );
      await headersSent;
      const changedAt = Date.now();
      writeTlsFiles(dir, { ...clientMaterial, ca: caB.pem });
      const outcome = await answer;
      expect(outcome).toBeInstanceOf(HttpError);
      expect(Date.now() - changedAt).toBeLessThan(REACTION_BOUND_MS);
      expect(closedLines(logger.lines)).toEqual([
        expect.objectContaining({
          reason: 'peer chain does not lead to a CA of the trust bundle',
          peer: INVENTORY_ID,
        }),
      ]);
      await expect(peer.get('/slow', {})).rejects.toMatchObject({ status: 502 });
    } finally {
      await peer.close();
      tls.stop();
    }
  });
});
