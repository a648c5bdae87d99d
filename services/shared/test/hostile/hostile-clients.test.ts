/**
 * Hostile clients of the native-mode platform (edge → orders → inventory, each bundle with its workload certificate):
 * what they send, what one of them can do to the others, and how they meet the TLS listeners.
 */
import fc from 'fast-check';
import { connect, ConnectionOptions } from 'node:tls';
import { assertBundlesAreFresh, BundleName, RunningBundle } from '../support/service-bundles';
import { INGRESS_ID } from '../support/test-pki';
import {
  ALL_SCOPES,
  createHostilePlatform,
  Endpoint,
  exchange,
  expectClientSafe,
  HostilePlatform,
  hostileAuthorizations,
  loggedLine,
  RawRequest,
  send,
  TIMEOUT_SLACK_MS,
  timeoutLogged,
} from './hostile-support';

/** Fixed seed: a failure names its inputs and replays; no shrinking, so the reported input is the one that did harm. */
const RUNS = { seed: 12, numRuns: 20, endOnFailure: true };

const TLS_HANDSHAKE_TIMEOUT_MS = 500;
const SKU = 'sku-ok';
const ORDER = 'order-ok';

/** The headers of a JSON request with `authorization`. */
const asCaller = (authorization: string, contentType = 'application/json') =>
  [
    ['authorization', authorization],
    ['content-type', contentType],
  ] as const;

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** 16,000 bytes, under every body limit, that JSON.stringify cannot serialize again (it recurses; JSON.parse does not). */
const TOO_DEEP = nested(8000);
/** `1e20` is re-serialized as `100000000000000000000`: five bytes become 22. */
const bigNumbers = (count: number) => `[${Array<string>(count).fill('1e20').join(',')}]`;
/** 16 KB that re-serializes to 69 KB: more than a service reads, so it answers 413 while the edge may still be writing. */
const GROWS = bigNumbers(3270);

interface Route {
  readonly method: string;
  /** `{id}` marks the path parameter. */
  readonly path: string;
  /** A body the route accepts, when it takes one. */
  readonly body?: string;
}

const ROUTES: Record<'inventory' | 'orders', Route[]> = {
  inventory: [
    { method: 'GET', path: '/inventory/{id}' },
    { method: 'PUT', path: '/inventory/{id}', body: '{"quantity":7}' },
  ],
  orders: [
    { method: 'GET', path: '/orders/{id}' },
    { method: 'POST', path: '/orders', body: `{"orderId":"o-1","sku":"${SKU}","quantity":1}` },
  ],
};

const pathOf = (route: Route, id: string) => route.path.replace('{id}', () => id);

/** Request bodies: JSON and not, deep nesting, numbers that grow when re-serialized, unicode, duplicate and odd keys, oversize. */
const hostileBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
  fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 4000, max: 8000 })).map(nested),
  fc.integer({ min: 1, max: 2600 }).map((depth) => `${'{"quantity":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 1, max: 3270 }).map(bigNumbers),
  fc.constantFrom('1e20', '-1e400', '1e-400', '123456789012345678901234567890', '0.1e21').map((n) => `{"quantity":${n}}`),
  fc
    .tuple(fc.constantFrom('quantity', 'orderId', 'sku', '__proto__', 'constructor', 'expectedVersion'), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => `{"quantity":1,"orderId":"o-2","sku":"${SKU}","${key}":${JSON.stringify(value)}}`),
  fc
    .record({
      orderId: fc.string({ unit: 'binary', maxLength: 70 }),
      sku: fc.string({ unit: 'binary', maxLength: 70 }),
      quantity: fc.double(),
    })
    .map((body) => JSON.stringify(body)),
  fc.integer({ min: 16_385, max: 40_000 }).map((size) => `{"quantity":1,"pad":"${'x'.repeat(size)}"}`),
);

const contentType: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  fc.constantFrom('text/plain', 'application/json; charset=latin1', 'APPLICATION/JSON; CHARSET=UTF-8', 'multipart/form-data', ''),
);

/** Bytes Node's parser lets through in a request target: printable ASCII, `%`, `.`, `#`, `?` and `/` included. */
const urlChar = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));

/** Path segments: percent-encoding good and bad, dot segments, long ids, unicode, raw punctuation. */
const hostileSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: urlChar, minLength: 1, maxLength: 40 }),
  fc.constantFrom('..', '.', '%2e%2e', '%2F', '%', '%zz', '%ED%A0%80', '%00', '%C0%AF', '%u0041', '..%2f..%2fetc'),
  fc.integer({ min: 65, max: 6000 }).map((length) => 'a'.repeat(length)),
);

const hostilePath = (routes: readonly Route[]) =>
  fc
    .tuple(
      fc.constantFrom(...routes),
      hostileSegment,
      fc.constantFrom('', '/', '/.', '/..'),
      fc.option(fc.string({ unit: urlChar, maxLength: 40 }), { nil: undefined }),
    )
    .map(([route, segment, prefix, query]): RawRequest => ({
      method: route.method,
      path: `${prefix}${pathOf(route, segment)}${query === undefined ? '' : `?${query}`}`,
      body: route.body,
    }));

/** Header values: visible ASCII, spaces and obs-text (0x80-0xff), which the parser accepts. */
const headerValue = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((code) => code !== 0x7f)
    .map((code) => String.fromCharCode(code)),
  maxLength: 300,
});
const hostileHeaders = fc.array(
  fc.tuple(
    fc.constantFrom(
      'x-request-id',
      'accept',
      'accept-encoding',
      'content-encoding',
      'user-agent',
      'x-forwarded-for',
      'cookie',
      'origin',
      'range',
      'if-match',
      'x-amzn-trace-id',
      'x-custom',
    ),
    headerValue,
  ),
  { maxLength: 6 },
);

/**
 * TLS 1.2 suites an ECDSA certificate could negotiate (the platform issues P-256 keys, so RSA suites such as
 * AES128-SHA can never be chosen and would prove nothing) that are not ECDHE with an AEAD of AES-GCM or ChaCha20-Poly1305.
 */
const REFUSED = [
  ['ECDHE-ECDSA-AES128-SHA', 'CBC with SHA-1'],
  ['ECDHE-ECDSA-AES256-SHA384', 'CBC'],
  ['ECDHE-ECDSA-AES128-CCM8', 'CCM with a short tag'],
  ['ECDHE-ECDSA-AES256-CCM', 'CCM'],
  ['ECDHE-ECDSA-ARIA128-GCM-SHA256', 'ARIA'],
];
const ALLOWED = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'];

/** A handshake's outcome: the protocol and suite agreed, or the error that ended it. */
function handshake(port: number, options: ConnectionOptions): Promise<{ protocol?: string | null; cipher?: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...options }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

let platform: HostilePlatform;
const bundles = new Map<BundleName, RunningBundle>();
const endpoints = new Map<BundleName, Endpoint>();
let goodAuthorization: string;
/** An `Authorization` value for subject `sub`: callers are told apart by their tokens. */
const bearerOf = (sub: string, scopes = ALL_SCOPES) => `Bearer ${platform.cognito.mint(scopes, { sub })}`;

beforeAll(async () => {
  assertBundlesAreFresh(['inventory', 'orders', 'edge']);
  platform = await createHostilePlatform();
  const handshakeTimeout = { TLS_HANDSHAKE_TIMEOUT_MS: String(TLS_HANDSHAKE_TIMEOUT_MS) };
  const inventory = await platform.start('inventory', 'native', handshakeTimeout);
  const orders = await platform.start('orders', 'native', { INVENTORY_URL: `https://127.0.0.1:${inventory.port}` });
  const edge = await platform.start('edge', 'native', {
    ...handshakeTimeout,
    ORDERS_URL: `https://127.0.0.1:${orders.port}`,
    INVENTORY_URL: `https://127.0.0.1:${inventory.port}`,
  });
  bundles.set('inventory', inventory).set('orders', orders).set('edge', edge);
  // The services are called as the edge calls them (ingress identity); the edge as API Gateway does (no certificate).
  const ingress = await platform.clientTls(INGRESS_ID);
  endpoints
    .set('inventory', { port: inventory.port, tls: ingress })
    .set('orders', { port: orders.port, tls: ingress })
    .set('edge', { port: edge.port, tls: await platform.clientTls() });
  goodAuthorization = bearerOf('fuzzer');
  const headers = asCaller(goodAuthorization);
  expect(
    (await send(endpoints.get('inventory')!, { method: 'PUT', path: `/inventory/${SKU}`, headers, body: '{"quantity":100000}' })).status,
  ).toBe(200);
  expect(
    (
      await send(endpoints.get('orders')!, {
        method: 'POST',
        path: '/orders',
        headers,
        body: `{"orderId":"${ORDER}","sku":"${SKU}","quantity":1}`,
      })
    ).status,
  ).toBe(201);
});

afterAll(() => platform?.close());

describe("one caller's bad requests do not take a peer away from the others", () => {
  /** The peer clients open their circuit after five consecutive failures. */
  const ENOUGH_TO_BREAK = 6;

  const callerB = () => asCaller(bearerOf('caller-b'));
  /** The status of POST /orders creating `orderId` for `sku`. */
  const createOrder = async (endpoint: Endpoint, headers: RawRequest['headers'], orderId: string, sku: string = SKU) =>
    (await send(endpoint, { method: 'POST', path: '/orders', headers, body: `{"orderId":"${orderId}","sku":"${sku}","quantity":1}` }))
      .status;

  // First in the file, so the edge's circuit breakers have seen nothing but caller A.
  test('edge: what the services would refuse is refused at the edge (4xx), counts against no upstream, and caller B is served', async () => {
    const edge = endpoints.get('edge')!;
    const headers = asCaller(bearerOf('caller-a'));
    const attacks: RawRequest[] = [
      { method: 'PUT', path: `/inventory/${SKU}`, body: TOO_DEEP },
      { method: 'POST', path: '/orders', body: `{"orderId":"o-a","sku":"${SKU}","quantity":1,"x":${nested(7950)}}` },
      { method: 'PUT', path: `/inventory/${SKU}`, body: GROWS },
      { method: 'GET', path: '/inventory/%zz' },
      { method: 'GET', path: '/orders/no-such-order' },
    ];
    for (const attack of attacks.flatMap((each) => Array<RawRequest>(ENOUGH_TO_BREAK).fill(each))) {
      const reply = await send(edge, { ...attack, headers });
      expectClientSafe(reply, `${attack.method} ${attack.path} from caller A`);
      expect(reply.status).toBeGreaterThanOrEqual(400);
    }
    expect((await send(edge, { method: 'GET', path: `/inventory/${SKU}`, headers: callerB() })).status).toBe(200);
    expect(await createOrder(edge, callerB(), 'o-b')).toBe(201);
  });

  test("orders → inventory: inventory's 4xx verdicts on caller A count against no peer, and caller B is served", async () => {
    const orders = endpoints.get('orders')!;
    const withoutInventoryScope = asCaller(bearerOf('caller-a', ['orders/write']));
    const callerA = asCaller(bearerOf('caller-a'));
    for (let i = 0; i < ENOUGH_TO_BREAK; i++) {
      expect(await createOrder(orders, withoutInventoryScope, `o-a${i}`)).toBe(403);
      expect(await createOrder(orders, callerA, `o-a${i}`, 'no-such-sku')).toBe(422);
    }
    expect(await createOrder(orders, callerB(), 'o-b2')).toBe(201);
  });
});

describe.each([
  ['inventory', ROUTES.inventory],
  ['orders', ROUTES.orders],
  ['edge', [...ROUTES.inventory, ...ROUTES.orders]],
] as const)('%s under hostile requests: never a 5xx or a hang, every 4xx a JSON error with its request id', (name, routes) => {
  const endpoint = () => endpoints.get(name)!;
  const bodyRoutes = routes.filter((route) => route.body !== undefined);
  const good = name === 'orders' ? pathOf(ROUTES.orders[0], ORDER) : pathOf(ROUTES.inventory[0], SKU);

  test('bodies', async () => {
    // The bodies that took the edge down run first on every route, whatever the random ones turn out to be.
    const examples = bodyRoutes.flatMap((route): [Route, string, string][] =>
      [TOO_DEEP, GROWS].map((body) => [route, body, 'application/json']),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyRoutes), hostileBody, contentType, async (route, body, type) => {
        const reply = await send(endpoint(), {
          method: route.method,
          path: pathOf(route, SKU),
          body,
          headers: asCaller(goodAuthorization, type),
        });
        expectClientSafe(reply, `${route.method} body ${JSON.stringify(String(body).slice(0, 60))}`);
      }),
      { ...RUNS, examples },
    );
  });

  test('paths', async () => {
    await fc.assert(
      fc.asyncProperty(hostilePath(routes), async (request) => {
        const reply = await send(endpoint(), { ...request, headers: asCaller(goodAuthorization) });
        expectClientSafe(reply, `${request.method} ${request.path.slice(0, 80)}`);
      }),
      RUNS,
    );
  });

  test('header values', async () => {
    await fc.assert(
      fc.asyncProperty(hostileHeaders, async (headers) => {
        const reply = await send(endpoint(), { method: 'GET', path: good, headers: [['authorization', goodAuthorization], ...headers] });
        expectClientSafe(reply, `headers ${JSON.stringify(headers).slice(0, 200)}`);
      }),
      RUNS,
    );
  });

  test('tokens: forged, malformed or incomplete ones are 401/403, never served', async () => {
    // Garbage in the characters of a JWT, which pass the shape check of the bearer header.
    const garbage = fc.string({ unit: fc.constantFrom(...'AZaz09-_.'), maxLength: 200 }).map((token) => `Bearer ${token}`);
    const authorization = fc.oneof(fc.constantFrom(...hostileAuthorizations(platform.cognito)), garbage);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), authorization, async (route, value) => {
        const reply = await send(endpoint(), {
          method: route.method,
          path: pathOf(route, SKU),
          body: route.body,
          headers: asCaller(value),
        });
        expectClientSafe(reply, `${route.method} with ${JSON.stringify(value.slice(0, 60))}`);
        expect([401, 403]).toContain(reply.status);
      }),
      RUNS,
    );
  });

  test('afterwards a good request is still served', async () => {
    expect((await send(endpoint(), { method: 'GET', path: good, headers: [['authorization', goodAuthorization]] })).status).toBe(200);
  });
});

describe('TLS listeners', () => {
  const apiGateway = () => endpoints.get('edge')!.tls!;
  const edgePort = () => endpoints.get('edge')!.port;

  test.each(REFUSED)('the edge refuses TLS 1.2 with %s (%s)', async (cipher) => {
    expect(await handshake(edgePort(), { ...apiGateway(), maxVersion: 'TLSv1.2', ciphers: cipher })).toEqual({ error: expect.any(String) });
  });

  test.each(ALLOWED)('the edge accepts TLS 1.2 with %s', async (cipher) => {
    expect(await handshake(edgePort(), { ...apiGateway(), maxVersion: 'TLSv1.2', ciphers: cipher })).toEqual({
      protocol: 'TLSv1.2',
      cipher,
    });
  });

  test('the edge accepts TLS 1.3', async () => {
    expect(await handshake(edgePort(), apiGateway())).toMatchObject({ protocol: 'TLSv1.3' });
  });

  test('a service refuses TLS 1.2 even with an allowed suite', async () => {
    const { port, tls } = endpoints.get('inventory')!;
    expect(await handshake(port, { ...tls, maxVersion: 'TLSv1.2', ciphers: ALLOWED[0] })).toEqual({ error: expect.any(String) });
  });

  test('a TCP connection that never starts TLS is closed within a second of TLS_HANDSHAKE_TIMEOUT_MS, logged as a connection error', async () => {
    const results = await Promise.all(
      (['edge', 'inventory'] as const).map(async (name) => {
        const bundle = bundles.get(name)!;
        const from = bundle.logs.length;
        const { closedAfterMs } = await exchange({ port: bundle.port }, '', TLS_HANDSHAKE_TIMEOUT_MS + TIMEOUT_SLACK_MS);
        const logged = await loggedLine(bundle, timeoutLogged, from);
        return { name, closedInTime: closedAfterMs !== undefined, logged: logged !== undefined };
      }),
    );
    expect(results).toEqual([
      { name: 'edge', closedInTime: true, logged: true },
      { name: 'inventory', closedInTime: true, logged: true },
    ]);
  });
});
