import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { Agent, createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { SERVICE_CATALOGUE, ServiceCatalogue } from '../../../lib/catalogue/service-catalogue';
import { MAX_PEER_RESPONSE_BYTES } from '../../shared/src/peer/peer-client';
import { spiffeIdOf } from '../../shared/src/mtls/spiffe-identity';
import { call } from '../../shared/test/support/http-call';
import { createTestCognito, TestCognito } from '../../shared/test/support/test-cognito';
import { capturingLogger } from '../../shared/test/support/test-logger';
import { createTestCa, INGRESS_ID, TestCa, workloadId, writeTlsFiles } from '../../shared/test/support/test-pki';
import { testServiceEnv } from '../../shared/test/support/test-service-env';
import { loadEdgeConfig } from '../src/config';
import { createEdgeServer, EdgeServer } from '../src/edge-server';

/** The sample catalogue where orders also has an internal-only route: the edge must not reach it. */
const CATALOGUE: ServiceCatalogue = {
  ...SERVICE_CATALOGUE,
  services: SERVICE_CATALOGUE.services.map((s) =>
    s.name === 'orders'
      ? { ...s, routes: [...s.routes, { method: 'GET' as const, path: '/orders/{orderId}/audit', scope: 'orders/read', public: false }] }
      : s,
  ),
};

interface Received {
  readonly caller: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly authorization: string | undefined;
  readonly extra: string | undefined;
  readonly body: string;
}

let dir: string;
let ca: TestCa;
let cognito: TestCognito;
let upstream: Server;
const received: Received[] = [];
let edge: EdgeServer;
let edgeUrl: string;
let healthUrl: string;
let logLines: string[];
let apiGateway: Agent;
let edgeEnv: NodeJS.ProcessEnv;

/** A stand-in for orders: mTLS with its own workload certificate, recording the caller's SPIFFE id and the request. */
async function startUpstream(): Promise<Server> {
  const server = createServer(
    { ...(await ca.issue(workloadId('shop', 'orders'))), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' },
    (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          caller: spiffeIdOf((req.socket as TLSSocket).getPeerCertificate()),
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          extra: req.headers['x-forwarded-evil'] as string | undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        // `huge`: a faulty upstream answering with more than the edge takes from a peer.
        const json = JSON.stringify(
          req.url === '/orders/huge' ? { padding: 'x'.repeat(2 * MAX_PEER_RESPONSE_BYTES) } : { orderId: 'o-1', from: 'orders' },
        );
        res
          .writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
          .end(json);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A loopback port nobody listens on: an upstream that is down. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-test-'));
  cognito = createTestCognito(dir);
  ca = await createTestCa('platform CA');
  upstream = await startUpstream();
  const files = writeTlsFiles(join(dir, 'ingress'), await ca.issue(INGRESS_ID));
  edgeEnv = testServiceEnv(cognito, {
    MTLS_MODE: 'native',
    TLS_CERT_FILE: files.certFile,
    TLS_KEY_FILE: files.keyFile,
    TLS_CA_FILE: files.caFile,
    ORDERS_URL: `https://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    INVENTORY_URL: `https://127.0.0.1:${await closedPort()}`,
    PEER_TIMEOUT_MS: '500',
    PEER_RETRIES: '1',
  });
  const logger = capturingLogger('edge');
  logLines = logger.lines;
  edge = createEdgeServer(CATALOGUE, loadEdgeConfig(edgeEnv, CATALOGUE), logger);
  const ports = await edge.listen('127.0.0.1');
  edgeUrl = `https://127.0.0.1:${ports.port}`;
  healthUrl = `http://127.0.0.1:${ports.healthPort}`;
  // API Gateway: trusts the edge's CA, presents no client certificate.
  apiGateway = new Agent({ keepAlive: true, ca: ca.pem });
});

afterAll(async () => {
  apiGateway.destroy();
  await edge.shutdown();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received.length = 0;
});

describe('public routes', () => {
  test('are forwarded over mTLS with the ingress identity to the canonical path, passing the bearer token and nothing else the client sent', async () => {
    const token = cognito.mint(['orders/read']);
    const res = await call(`${edgeUrl}/orders/o-1?x=1`, {
      token,
      agent: apiGateway,
      headers: { 'x-forwarded-evil': 'yes', 'x-request-id': 'req-1' },
    });
    expect(res).toMatchObject({ status: 200, body: { orderId: 'o-1', from: 'orders' } });
    // The edge faces clients: it names requests itself rather than take an id a client could aim at another request.
    expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]+-[0-9a-z]+$/);
    expect(res.headers['x-request-id']).not.toBe('req-1');
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.clientRequestId === 'req-1');
    expect(line).toMatchObject({ msg: 'request', requestId: res.headers['x-request-id'] });
    expect(received).toEqual([
      { caller: INGRESS_ID, method: 'GET', url: '/orders/o-1', authorization: `Bearer ${token}`, extra: undefined, body: '' },
    ]);
  });

  test("a POST body that passes the service's schema is forwarded byte for byte and the upstream status is kept", async () => {
    const token = cognito.mint(['orders/write']);
    const body = '{ "orderId": "o-9",\n "sku": "a", "quantity": 1 }';
    const res = await call(`${edgeUrl}/orders`, { method: 'POST', token, agent: apiGateway, body });
    expect(res.status).toBe(201);
    expect(received.map((r) => [r.method, r.body])).toEqual([['POST', body]]);
  });
});

describe('what stops at the edge', () => {
  test('an internal-only route and an unknown path are 404, a wrong method 405, without reaching the upstream', async () => {
    const token = cognito.mint(['orders/read', 'orders/write']);
    expect((await call(`${edgeUrl}/orders/o-1/audit`, { token, agent: apiGateway })).status).toBe(404);
    expect((await call(`${edgeUrl}/payments`, { token, agent: apiGateway })).status).toBe(404);
    expect((await call(`${edgeUrl}/orders/o-1`, { method: 'DELETE', token, agent: apiGateway })).status).toBe(405);
    expect(received).toEqual([]);
  });

  test('a body or path the service would refuse is refused the same way, before anything is forwarded', async () => {
    const token = cognito.mint(['orders/write', 'orders/read']);
    const post = (body: string | object, headers?: Record<string, string>) =>
      call(`${edgeUrl}/orders`, { method: 'POST', token, agent: apiGateway, body, headers });
    expect(await post({ orderId: 'o-9', sku: 'a', quantity: 1, price: 0 })).toMatchObject({
      status: 400,
      body: { error: 'body.price is not allowed' },
    });
    expect(await post({ orderId: 'o-9', sku: 'a', quantity: 5000 })).toMatchObject({
      status: 400,
      body: { error: 'body.quantity must be <= 1000' },
    });
    expect((await post('{"orderId":')).status).toBe(400);
    expect((await post(`[${'1e20,'.repeat(3000)}1]`)).status).toBe(400);
    expect((await post({ orderId: 'o-9', sku: 'a', quantity: 1 }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(JSON.stringify({ orderId: 'x'.repeat(20_000) }))).status).toBe(413);
    expect((await call(`${edgeUrl}/orders/a%20b`, { token, agent: apiGateway })).status).toBe(400);
    expect(received).toEqual([]);
  });

  test("a missing, forged or expired token is 401; a token without the route's scope 403; none reaches the upstream", async () => {
    expect((await call(`${edgeUrl}/orders/o-1`, { agent: apiGateway })).status).toBe(401);
    expect(
      (await call(`${edgeUrl}/orders/o-1`, { token: cognito.mint(['orders/read'], {}, { key: 'forged-same-kid' }), agent: apiGateway }))
        .status,
    ).toBe(401);
    expect(
      (
        await call(`${edgeUrl}/orders/o-1`, {
          token: cognito.mint(['orders/read'], { exp: Math.floor(Date.now() / 1000) - 60 }),
          agent: apiGateway,
        })
      ).status,
    ).toBe(401);
    expect((await call(`${edgeUrl}/orders/o-1`, { token: cognito.mint(['inventory/read']), agent: apiGateway })).status).toBe(403);
    expect(received).toEqual([]);
  });
});

test('an upstream reply larger than MAX_PEER_RESPONSE_BYTES is a 502, not buffered; the next request is served', async () => {
  const token = cognito.mint(['orders/read']);
  expect((await call(`${edgeUrl}/orders/huge`, { token, agent: apiGateway })).status).toBe(502);
  expect((await call(`${edgeUrl}/orders/o-1`, { token, agent: apiGateway })).status).toBe(200);
});

describe('an upstream that is down', () => {
  test('is answered 502 (bounded retries), then 503 once the circuit opens; the edge keeps serving', async () => {
    const token = cognito.mint(['inventory/read', 'orders/read']);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(`${edgeUrl}/inventory/sku-1`, { token, agent: apiGateway })).status);
    expect(statuses.slice(0, 2)).toEqual([502, 502]);
    expect(statuses.at(-1)).toBe(503);
    expect((await call(`${edgeUrl}/orders/o-1`, { token, agent: apiGateway })).status).toBe(200);
    expect((await call(`${healthUrl}/readyz`)).status).toBe(200);
  });
});

test('every request is one JSON access-log line naming the upstream, without the token', () => {
  const requests = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.find((entry) => entry.upstream === 'orders')).toMatchObject({ service: 'edge', method: 'GET', status: 200 });
  expect(logLines.join('\n')).not.toMatch(/Bearer|eyJ/);
});

test('the edge refuses to start outside native mode: in ambient mode the Istio gateway is the edge', () => {
  expect(() => loadEdgeConfig(testServiceEnv(cognito, { ORDERS_URL: 'https://o:1', INVENTORY_URL: 'https://i:1' }), CATALOGUE)).toThrow(
    /MTLS_MODE.*native/,
  );
});

describe('the plain-HTTP listener of the dev fallback (INGRESS_LISTENER=plaintext)', () => {
  let plainEdge: EdgeServer;
  let plainUrl: string;

  beforeAll(async () => {
    plainEdge = createEdgeServer(
      CATALOGUE,
      loadEdgeConfig({ ...edgeEnv, INGRESS_LISTENER: 'plaintext' }, CATALOGUE),
      capturingLogger('edge'),
    );
    plainUrl = `http://127.0.0.1:${(await plainEdge.listen('127.0.0.1')).port}`;
  });

  afterAll(() => plainEdge.shutdown());

  test('serves the load balancer plain HTTP while the upstream call stays mTLS with the ingress identity', async () => {
    const token = cognito.mint(['orders/read']);
    expect((await call(`${plainUrl}/orders/o-1`, { token })).status).toBe(200);
    expect(received.map((r) => r.caller)).toEqual([INGRESS_ID]);
  });

  test('still refuses a request without a valid token before anything is forwarded', async () => {
    expect((await call(`${plainUrl}/orders/o-1`)).status).toBe(401);
    expect(received).toEqual([]);
  });

  test('the default listener is TLS: a plain-HTTP client gets no answer from it', async () => {
    await expect(call(`${edgeUrl.replace('https:', 'http:')}/orders/o-1`)).rejects.toThrow();
  });

  test('another listener value is refused, naming the variable and the choices', () => {
    expect(() => loadEdgeConfig({ ...edgeEnv, INGRESS_LISTENER: 'http' }, CATALOGUE)).toThrow(
      /^INGRESS_LISTENER is "http": set it to one of tls, plaintext/,
    );
  });
});

test('shutdown of a plain-HTTP edge stops re-reading the certificate files it forwards with', async () => {
  const files = writeTlsFiles(join(dir, 'stopped-edge'), await ca.issue(INGRESS_ID));
  const logger = capturingLogger('edge');
  const stopped = createEdgeServer(
    CATALOGUE,
    loadEdgeConfig(
      {
        ...edgeEnv,
        ...{ TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile, TLS_CA_FILE: files.caFile },
        INGRESS_LISTENER: 'plaintext',
      },
      CATALOGUE,
    ),
    logger,
  );
  await stopped.listen('127.0.0.1');
  await stopped.shutdown();
  // A reload still running would refuse this file and say so, every 50 ms.
  writeFileSync(files.certFile, 'not a certificate');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(logger.lines.filter((line) => line.includes('not reloaded'))).toEqual([]);
});
