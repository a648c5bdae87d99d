import { createHmac, createPublicKey, JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as connectTcp, Socket } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls, ConnectionOptions, createSecureContext, SecureContext } from 'node:tls';
import { BundleName, RunningBundle, startBundle } from '../support/service-bundles';
import { startTestBackends } from '../support/test-backends';
import { TestCognito } from '../support/test-cognito';
import { createTestCa, INGRESS_ID, TestCa, workloadId, writeTlsFiles } from '../support/test-pki';
import { testServiceEnv } from '../support/test-service-env';

/** Every scope of the catalogue: a token that may call any route, so only the hostile part of a request is judged. */
export const ALL_SCOPES = ['inventory/read', 'inventory/write', 'orders/read', 'orders/write'];

/** The workload identity each bundle runs as in native mode. */
const IDENTITY: Record<BundleName, string> = {
  inventory: workloadId('shop', 'inventory'),
  orders: workloadId('shop', 'orders'),
  edge: INGRESS_ID,
};

/**
 * The built bundles under attack, on loopback: a local user pool, a platform CA, DynamoDB (dynalite) with both tables,
 * and every process started here killed by `close()`.
 */
export interface HostilePlatform {
  readonly cognito: TestCognito;
  readonly ca: TestCa;
  /** Starts a bundle in istio-ambient mode (plain HTTP) or native mode (its workload certificate); `env` comes last. */
  start(name: BundleName, mode: 'istio-ambient' | 'native', env?: Record<string, string>): Promise<RunningBundle>;
  /** Client TLS options trusting the platform CA, presenting the certificate of `identity` when given. */
  clientTls(identity?: string): Promise<ConnectionOptions>;
  close(): Promise<void>;
}

export async function createHostilePlatform(): Promise<HostilePlatform> {
  const backends = await startTestBackends('hostile-');
  const { dir, cognito } = backends;
  const ca = await createTestCa('platform CA');
  // dynalite's endpoint and dummy credentials, which startTestDynamoDb put in this process's environment only.
  const dynamoEnv = Object.fromEntries(
    ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((name) => [name, process.env[name]]),
  );
  const running: RunningBundle[] = [];
  let started = 0;
  return {
    cognito,
    ca,
    start: async (name, mode, env = {}) => {
      const tls = mode === 'native' ? writeTlsFiles(join(dir, `${name}-${++started}`), await ca.issue(IDENTITY[name])) : undefined;
      const bundle = await startBundle(name, {
        ...testServiceEnv(cognito, {
          MTLS_MODE: mode,
          TABLE_NAME: name,
          ...(tls ? { TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile, TLS_CA_FILE: tls.caFile } : {}),
          ...env,
        }),
        ...dynamoEnv,
      });
      running.push(bundle);
      return bundle;
    },
    clientTls: async (identity) => ({ ca: ca.pem, ...(identity ? await ca.issue(identity) : {}) }),
    close: async () => {
      await Promise.all(running.map((bundle) => bundle.stop()));
      await backends.close();
    },
  };
}

/** Where raw bytes go: a loopback port, over TLS when `tls` is given. */
export interface Endpoint {
  readonly port: number;
  readonly tls?: ConnectionOptions;
}

const contexts = new WeakMap<ConnectionOptions, SecureContext>();
const sessions = new WeakMap<ConnectionOptions, Buffer>();

/**
 * A TLS connection that reuses the context and resumes the last session of the same options, as load balancers and
 * pooled clients do: a full handshake per request would make the client's cryptography most of a test's time.
 */
function connectTlsResuming(port: number, options: ConnectionOptions): Socket {
  const secureContext = contexts.get(options) ?? createSecureContext(options);
  contexts.set(options, secureContext);
  const socket = connectTls({ host: '127.0.0.1', port, ...options, secureContext, session: sessions.get(options) });
  socket.on('session', (session: Buffer) => sessions.set(options, session));
  return socket;
}

export interface Exchange {
  /** Every byte the server sent, as latin1 text. */
  readonly received: string;
  /** When the server closed the connection; undefined if it was still open at the bound (the client then closed it). */
  readonly closedAfterMs?: number;
}

/**
 * Opens a connection, writes `bytes` exactly as given (no client library to tidy them up) and waits for the server to
 * close it, at most `boundMs`; `abandon` makes the client hang up first.
 */
export function exchange(endpoint: Endpoint, bytes: string | Buffer, boundMs: number, abandon?: AbortSignal): Promise<Exchange> {
  const opened = performance.now();
  const socket: Socket = endpoint.tls ? connectTlsResuming(endpoint.port, endpoint.tls) : connectTcp(endpoint.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const received = () => Buffer.concat(chunks).toString('latin1');
  return new Promise((resolve) => {
    const hangUp = () => {
      clearTimeout(bound);
      socket.removeAllListeners('close');
      socket.destroy();
      resolve({ received: received() });
    };
    const bound = setTimeout(hangUp, boundMs);
    abandon?.addEventListener('abort', hangUp);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset or a failed handshake is the server closing too: 'close' follows.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(bound);
      resolve({ received: received(), closedAfterMs: performance.now() - opened });
    });
    if (bytes.length > 0) socket.write(bytes);
  });
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  /** Sent in order, as latin1 bytes. */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string | Buffer;
}

/** An HTTP/1.1 request that closes its connection; Content-Length is added for a body unless `headers` set it. */
export function httpRequest({ method, path, headers = [], body }: RawRequest): Buffer {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    'host: 127.0.0.1',
    'connection: close',
    ...headers.map(([name, value]) => `${name}: ${value}`),
  ];
  if (body !== undefined && !headers.some(([name]) => name.toLowerCase() === 'content-length')) {
    lines.push(`content-length: ${Buffer.byteLength(body)}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body ?? '')]);
}

export interface Reply {
  /** Status codes of interim (1xx) responses, in order. */
  readonly interim: readonly number[];
  /** 0 when the server sent no response. */
  readonly status: number;
  readonly body: string;
}

/** Splits what a server sent on a `connection: close` exchange into interim responses and the final one. */
export function parseReply(received: string): Reply {
  const interim: number[] = [];
  let rest = received;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(rest)?.[1] ?? 0);
    if (end < 0 || status === 0) return { interim, status: 0, body: '' };
    const [, ...fields] = rest.slice(0, end).split('\r\n');
    rest = rest.slice(end + 4);
    if (status >= 100 && status < 200) {
      interim.push(status);
      continue;
    }
    const contentLength = fields.find((field) => /^content-length:/i.test(field))?.split(':')[1];
    const length = contentLength === undefined ? rest.length : Number(contentLength);
    return { interim, status, body: Buffer.from(rest.slice(0, length), 'latin1').toString('utf8') };
  }
}

/** Far beyond any answer on loopback, far below the timeouts a hanging server would wait for. */
const ANSWER_BOUND_MS = 3000;

/** Sends one request and parses the reply; a server that neither answers nor closes within the bound fails the test. */
export async function send(endpoint: Endpoint, request: RawRequest): Promise<Reply> {
  const { received, closedAfterMs } = await exchange(endpoint, httpRequest(request), ANSWER_BOUND_MS);
  if (closedAfterMs === undefined)
    throw new Error(`${request.method} ${request.path.slice(0, 80)}: no answer within ${ANSWER_BOUND_MS} ms`);
  return parseReply(received);
}

/**
 * The contract for a request a client got wrong: a 4xx (never a 5xx: the server did not fail) whose JSON body names
 * the error and the request id; anything below 400 was a request the service could serve.
 */
export function expectClientSafe(reply: Reply, what: string): void {
  const fail = (problem: string) => {
    throw new Error(`${what}: ${problem} (status ${reply.status}, body ${JSON.stringify(reply.body.slice(0, 200))})`);
  };
  if (reply.status < 200 || reply.status >= 500) fail('expected a final status below 500');
  if (reply.status < 400) return;
  let body: { error?: unknown; requestId?: unknown };
  try {
    body = JSON.parse(reply.body);
  } catch {
    return fail('the error body is not JSON');
  }
  if (typeof body.error !== 'string' || typeof body.requestId !== 'string') fail('the error body lacks error and requestId');
}

/**
 * Bearer values a client may forge or tamper with: alg none, HS256 signed with the public key, claims the verifier
 * requires missing or wrong, other keys, garbage. Each is a 401 (403 without scopes).
 */
export function hostileAuthorizations(cognito: TestCognito): string[] {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const [jwk] = (JSON.parse(readFileSync(cognito.jwksFile, 'utf8')) as { keys: (JsonWebKey & { kid: string })[] }).keys;
  const publicPem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const genuine = cognito.mint(ALL_SCOPES);
  const [, payload] = genuine.split('.');
  const none = `${encode({ alg: 'none', typ: 'JWT', kid: jwk.kid })}.${payload}`;
  const hsInput = `${encode({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${payload}`;
  const tokens = [
    `${none}.`,
    `${none}.${genuine.split('.')[2]}`,
    `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`,
    ...['iss', 'client_id', 'token_use', 'scope'].map((claim) => cognito.mint(ALL_SCOPES, { [claim]: undefined })),
    cognito.mint(ALL_SCOPES, { exp: Math.floor(Date.now() / 1000) - 60 }),
    cognito.mint(ALL_SCOPES, { exp: 'tomorrow' }),
    cognito.mint(ALL_SCOPES, { nbf: Math.floor(Date.now() / 1000) + 3600 }),
    cognito.mint(ALL_SCOPES, { scope: 5 }),
    cognito.mint(ALL_SCOPES, { token_use: 'id' }),
    cognito.mint(ALL_SCOPES, { client_id: 'another-client' }),
    cognito.mint(ALL_SCOPES, { iss: 'https://evil.example.com/pool' }),
    cognito.mint(ALL_SCOPES, {}, { key: 'forged-same-kid' }),
    cognito.mint(ALL_SCOPES, {}, { key: 'forged-other-kid' }),
    `${genuine.slice(0, -4)}AAAA`,
    `${encode({ alg: 'RS256' })}.${encode({})}.${'A'.repeat(342)}`,
    'a.b.c',
    `${'x'.repeat(8000)}.y.z`,
  ];
  return [...tokens.map((token) => `Bearer ${token}`), '', 'Bearer', `Bearer ${genuine} extra`, `bearer ${genuine}`, `Basic ${genuine}`];
}

/**
 * The first line `bundle` logged at index `from` or later that `matches`, waiting up to `boundMs` for it: log lines
 * reach the test a moment after the reply does.
 */
export async function loggedLine(
  bundle: RunningBundle,
  matches: (line: Record<string, unknown>) => boolean,
  from = 0,
  boundMs = 1500,
): Promise<Record<string, unknown> | undefined> {
  const deadline = performance.now() + boundMs;
  for (;;) {
    const line = bundle.logs.slice(from).find(matches);
    if (line || performance.now() > deadline) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How late a timeout may fire and still count as on time: a busy two-core machine's timers, not a 30 s sweep. */
export const TIMEOUT_SLACK_MS = 1000;

/** A connection dropped for a timeout, logged before any request existed (the reason names the timeout). */
export const timeoutLogged = (line: Record<string, unknown>) => line.msg === 'connection error' && /timeout/i.test(String(line.reason));

/** The access log line of the request that sent this X-Request-ID: its id, or (the edge names its own) the client's. */
export function accessLog(bundle: RunningBundle, requestId: string): Promise<Record<string, unknown> | undefined> {
  return loggedLine(bundle, (line) => line.msg === 'request' && (line.requestId === requestId || line.clientRequestId === requestId));
}
