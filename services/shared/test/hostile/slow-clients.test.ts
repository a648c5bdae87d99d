/**
 * Clients that are slow or leave: timeouts fire on time on both kinds of listener (a service's plain HTTP, the edge's
 * TLS), Expect: 100-continue is judged before the body is invited, and the access log records what the client got.
 */
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { TlsMaterial } from '../../src/mtls/tls-material';
import { assertBundlesAreFresh, RunningBundle } from '../support/service-bundles';
import { workloadId } from '../support/test-pki';
import {
  accessLog,
  ALL_SCOPES,
  createHostilePlatform,
  Endpoint,
  exchange,
  HostilePlatform,
  httpRequest,
  loggedLine,
  parseReply,
  RawRequest,
  send,
  TIMEOUT_SLACK_MS,
  timeoutLogged,
} from './hostile-support';

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 800;
const TIMEOUTS = { HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) };

/** A peer that holds every request until the test answers it, so a request is provably still in flight. */
interface HeldUpstream {
  readonly port: number;
  /** Resolves with the response of the next request once that request has arrived. */
  nextRequest(): Promise<ServerResponse>;
  close(): Promise<void>;
}

async function startHeldUpstream(tls?: TlsMaterial): Promise<HeldUpstream> {
  const arrived: ServerResponse[] = [];
  const waiting: ((res: ServerResponse) => void)[] = [];
  const hold = (_req: IncomingMessage, res: ServerResponse) => {
    const waiter = waiting.shift();
    if (waiter) waiter(res);
    else arrived.push(res);
  };
  const server: Server = tls
    ? createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, hold)
    : createHttpServer(hold);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    nextRequest: () => {
      const res = arrived.shift();
      return res ? Promise.resolve(res) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const answer = (res: ServerResponse, body: object) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

interface Target {
  readonly name: string;
  readonly bundle: RunningBundle;
  readonly endpoint: Endpoint;
}

let platform: HostilePlatform;
let authorization: string;
let upstreams: HeldUpstream[];
/** The timeouts' targets, both kinds of listener: a service's plain HTTP (istio-ambient) and the edge's TLS. */
let listeners: Target[];
/** The access log's targets, each with a held peer: orders → inventory (plain HTTP), edge → orders (mTLS). */
let callers: (Target & { readonly upstream: HeldUpstream; readonly request: (id: string) => RawRequest; readonly reply: object })[];

beforeAll(async () => {
  assertBundlesAreFresh(['orders', 'edge']);
  platform = await createHostilePlatform();
  authorization = `Bearer ${platform.cognito.mint(ALL_SCOPES)}`;
  const [inventoryStub, ordersStub] = (upstreams = await Promise.all([
    startHeldUpstream(),
    startHeldUpstream(await platform.ca.issue(workloadId('shop', 'orders'))),
  ]));
  const [orders, edge] = await Promise.all([
    platform.start('orders', 'istio-ambient', { ...TIMEOUTS, INVENTORY_URL: `http://127.0.0.1:${inventoryStub.port}` }),
    platform.start('edge', 'native', {
      ...TIMEOUTS,
      ORDERS_URL: `https://127.0.0.1:${ordersStub.port}`,
      INVENTORY_URL: `https://127.0.0.1:${ordersStub.port}`,
    }),
  ]);
  listeners = [
    { name: 'orders', bundle: orders, endpoint: { port: orders.port } },
    { name: 'edge', bundle: edge, endpoint: { port: edge.port, tls: await platform.clientTls() } },
  ];
  callers = [
    {
      ...listeners[0],
      upstream: inventoryStub,
      request: (id) => ({ method: 'POST', path: '/orders', body: `{"orderId":"${id}","sku":"sku-t","quantity":1}` }),
      reply: { sku: 'sku-t', quantity: 9, version: 1 },
    },
    { ...listeners[1], upstream: ordersStub, request: (id) => ({ method: 'GET', path: `/orders/${id}` }), reply: { orderId: 'o-1' } },
  ];
});

afterAll(async () => {
  await Promise.all((upstreams ?? []).map((upstream) => upstream.close()));
  await platform?.close();
});

/** Probes every listener at once, so the file waits for one timeout rather than one per listener. */
const probeListeners = <T>(probe: (target: Target) => Promise<T>) =>
  Promise.all(listeners.map(async (target) => ({ target: target.name, ...(await probe(target)) })));

const expected = <T>(result: T) => listeners.map(({ name }) => ({ target: name, ...result }));

test('headers that never finish: 408 and closed within a second of HEADERS_TIMEOUT_MS, logged as a connection error', async () => {
  const results = await probeListeners(async ({ bundle, endpoint }) => {
    const from = bundle.logs.length;
    const { received, closedAfterMs } = await exchange(
      endpoint,
      'GET /orders/o-1 HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ',
      HEADERS_TIMEOUT_MS + TIMEOUT_SLACK_MS,
    );
    const logged = await loggedLine(bundle, timeoutLogged, from);
    return { closedInTime: closedAfterMs !== undefined, status: parseReply(received).status, logged: logged !== undefined };
  });
  expect(results).toEqual(expected({ closedInTime: true, status: 408, logged: true }));
});

test('a body that never finishes: 408 and closed within a second of REQUEST_TIMEOUT_MS, logged as timed out', async () => {
  const results = await probeListeners(async ({ name, bundle, endpoint }) => {
    const requestId = `slow-body-${name}`;
    const head = httpRequest({
      method: 'POST',
      path: '/orders',
      headers: [
        ['authorization', authorization],
        ['content-type', 'application/json'],
        ['content-length', '100'],
        ['x-request-id', requestId],
      ],
    });
    const { received, closedAfterMs } = await exchange(
      endpoint,
      Buffer.concat([head, Buffer.from('{"orderId":')]),
      REQUEST_TIMEOUT_MS + TIMEOUT_SLACK_MS,
    );
    const { outcome, status } = (await accessLog(bundle, requestId)) ?? {};
    return { closedInTime: closedAfterMs !== undefined, status: parseReply(received).status, logged: { outcome, status } };
  });
  expect(results).toEqual(expected({ closedInTime: true, status: 408, logged: { outcome: 'timed-out', status: 408 } }));
});

test('Expect: 100-continue with an oversized Content-Length is 413 at once, without 100 Continue', async () => {
  const results = await probeListeners(async ({ endpoint }) => {
    const { interim, status, body } = await send(endpoint, {
      method: 'POST',
      path: '/orders',
      headers: [
        ['authorization', authorization],
        ['content-type', 'application/json'],
        ['content-length', '100000'],
        ['expect', '100-continue'],
      ],
    });
    return { interim, status, body: JSON.parse(body || '{}') as object };
  });
  expect(results).toEqual(expected({ interim: [], status: 413, body: expect.objectContaining({ error: expect.any(String) }) }));
});

describe('the access log records what the client received', () => {
  const headers = (requestId: string) =>
    [
      ['authorization', authorization],
      ['content-type', 'application/json'],
      ['x-request-id', requestId],
    ] as const;

  test('a client that hangs up while its request is in flight: outcome client-closed, no status', async () => {
    const results = [];
    for (const { name, bundle, endpoint, upstream, request, reply } of callers) {
      const requestId = `abandoned-${name}`;
      const held = upstream.nextRequest();
      const hangUp = new AbortController();
      const client = exchange(endpoint, httpRequest({ ...request(requestId), headers: headers(requestId) }), 5000, hangUp.signal);
      const res = await held;
      hangUp.abort();
      await client;
      // The service sees the client go in its own time (a busy machine can take a while): the peer answers once the
      // request is logged, or at the log's bound. Either way the service then has a reply and nobody to take it.
      await accessLog(bundle, requestId);
      answer(res, reply);
      const { outcome, status } = (await accessLog(bundle, requestId)) ?? {};
      results.push({ name, outcome, status });
    }
    expect(results).toEqual(callers.map(({ name }) => ({ name, outcome: 'client-closed', status: undefined })));
  });

  test('a request answered in full: outcome completed, with the status the client got', async () => {
    const results = [];
    for (const { name, bundle, endpoint, upstream, request, reply } of callers) {
      const requestId = `completed-${name}`;
      const held = upstream.nextRequest();
      const client = send(endpoint, { ...request(requestId), headers: headers(requestId) });
      answer(await held, reply);
      const received = (await client).status;
      const { outcome, status } = (await accessLog(bundle, requestId)) ?? {};
      results.push({ name, received, outcome, status });
    }
    expect(results).toEqual([
      { name: 'orders', received: 201, outcome: 'completed', status: 201 },
      { name: 'edge', received: 200, outcome: 'completed', status: 200 },
    ]);
  });
});
