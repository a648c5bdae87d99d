import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as NetServer, Socket } from 'node:net';
import { SecureContextOptions, TLSSocket } from 'node:tls';
import { AccessTokenAuthenticator, requireScope } from '../auth/access-token-authenticator';
import { Principal } from '../auth/verified-token-cache';
import { SharedServiceConfig } from '../config/shared-config';
import { ACCESS_LOG } from '../../../../lib/catalogue/service-contract';
import { LogFields, Logger } from '../log';
import { guardServerConnections } from '../mtls/live-trust';
import { spiffeIdOf } from '../mtls/spiffe-identity';
import { ReloadingTlsMaterial, ServerTlsFilePaths } from '../mtls/tls-material';
import { BodySchemas } from '../../../../lib/catalogue/body-schemas';
import { BodyValidator } from './body-validator';
import { errorReply } from './error-reply';
import { HttpError } from './http-error';
import { checkJsonBodyHeaders, JsonBody, readJsonBody } from './json-body';
import { RouteTemplate, Router } from './router';
import { createHealthServer, listenOn, RawHeaders, replyJson } from './server-lifecycle';

/** A route the front serves: matched by method and path, guarded by a scope, with an optional body schema. */
export interface FrontRoute extends RouteTemplate {
  readonly scope: string;
  readonly bodySchema?: string;
  /** SPIFFE ids allowed to call the route (mutual TLS only). @default - any client the listener accepts */
  readonly allowedCallers?: ReadonlySet<string>;
}

/** A request that passed every check of the front, for the service (or the edge) to answer. */
export interface FrontRequest<R extends FrontRoute> {
  readonly route: R;
  readonly requestId: string;
  /** Decoded path parameters, every one an identifier. */
  readonly params: Readonly<Record<string, string>>;
  readonly principal: Principal;
  /** The body, valid against the route's schema; undefined for routes without one. */
  readonly body?: JsonBody;
}

export interface FrontReply {
  readonly status: number;
  /** Sent as JSON; a Buffer is sent as it is (JSON from an upstream). */
  readonly body: unknown;
}

/** How the listener meets its clients. */
export type ListenerSecurity =
  /** Plain HTTP: behind the mesh (ztunnel terminates mTLS), or the edge's dev fallback. */
  | { readonly kind: 'plaintext' }
  /** TLS 1.3 with a client certificate from the platform CA: native mTLS between workloads. */
  | { readonly kind: 'mutual-tls'; readonly tls: ReloadingTlsMaterial; readonly maxConnectionAgeMs: number }
  /** TLS 1.2 (AEAD suites only) or 1.3 without client certificates: the load balancer in front of the edge. */
  | { readonly kind: 'server-tls'; readonly tls: ReloadingTlsMaterial<ServerTlsFilePaths> };

export interface RequestFrontProps<R extends FrontRoute> {
  readonly routes: readonly R[];
  readonly schemas: BodySchemas;
  readonly authenticator: AccessTokenAuthenticator;
  readonly config: SharedServiceConfig;
  readonly security: ListenerSecurity;
  readonly logger: Logger;
  /** Answers a request that passed routing, caller, token, scope and body checks. */
  readonly dispatch: (request: FrontRequest<R>) => Promise<FrontReply>;
  /** Fields the access log adds for a route, e.g. the upstream a proxy forwards to. @default - none */
  readonly describeRoute?: (route: R) => LogFields;
  /**
   * Keep a well-formed `X-Request-ID` the caller sent. Our ids are a counter and so predictable: a client that may set
   * them could name a later request of someone else's and blur the logs, so only workloads inside the platform may.
   * @default true - the caller is a platform workload (mesh or mTLS peer); the edge, which faces clients, sets false
   */
  readonly acceptRequestIds?: boolean;
  /** Clients (peer pools) closed once the last in-flight request has finished. @default - nothing to close */
  readonly closeOnShutdown?: readonly ClosedOnShutdown[];
}

/** Something a front closes after its drain. */
export interface ClosedOnShutdown {
  /**
   * `cut`: the drain deadline passed with handlers still running, so their work in flight (a peer call) is abandoned
   * rather than waited for: SIGKILL follows the deadline by only a few seconds (EXIT_MARGIN_SECONDS in the charts).
   */
  close(cut: boolean): Promise<void>;
}

export interface ListeningPorts {
  readonly port: number;
  readonly healthPort: number;
}

/**
 * TLS 1.2 suites where TLS 1.2 must stay: forward secret (ECDHE) and AEAD (AES-GCM, ChaCha20-Poly1305) only, so
 * none of Node's default CBC, CCM8 or ARIA suites; the TLS 1.3 suites are all AEAD.
 */
const TLS12_AEAD_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/**
 * Request ids this process gives: a random prefix per process and a counter, unique across the platform's processes
 * (72 random bits) and cheaper than a UUID per request. Ids correlate log lines and replies; they grant nothing, so
 * they need not be unguessable.
 */
const REQUEST_ID_PREFIX = `${randomBytes(9).toString('base64url')}-`;
let requestCount = 0;
/** How often Node checks header and request timeouts (30 s by default, which would let a 10 s timeout take 40 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 250;
/** While draining, a keep-alive connection without a request for this long is closed; busy ones close after a reply. */
const DRAIN_IDLE_MS = 1000;
const DRAIN_SWEEP_MS = 100;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/**
 * Pipelined requests of one connection handled at once; later ones wait (MAX_REQUESTS_PER_CONNECTION bounds how many).
 * Clients do not pipeline (API Gateway, browsers, undici's pools send one request at a time per connection), so this
 * bounds what one connection can start (upstream calls, store writes) without slowing any real client.
 */
const MAX_HANDLERS_PER_CONNECTION = 8;
/**
 * Requests one connection may have read and not yet answered; one more closes it. Node's parser reads a connection
 * whatever its socket's pause state, so closing is the only bound on what one client can queue in this process.
 */
const MAX_REQUESTS_PER_CONNECTION = 32;

/** The access log line's fields. */
interface AccessFields {
  requestId: string;
  /** The id a client outside the platform sent (see acceptRequestIds): recorded so it can be quoted, never adopted. */
  clientRequestId?: string;
  method?: string;
  path?: string;
  caller?: string;
  upstream?: string;
  subject?: string;
  status?: number;
  outcome?: 'completed' | 'timed-out' | 'client-closed';
  durationMs?: number;
  [field: string]: string | number | boolean | undefined;
}

/** What the request's `Expect` header asks: nothing, `100-continue`, or something else (refused with 417). */
type Expectation = 'none' | 'continue' | 'unsupported';

/** A request in flight on a connection. */
interface InFlight {
  readonly res: ServerResponse;
  /** Writes the request's access line and forgets it; later calls do nothing. */
  readonly end: () => void;
}

/** What the front knows of one client connection. */
interface Connection {
  readonly socket: Socket;
  /** The client's SPIFFE id, read once at the handshake (mutual TLS only). */
  readonly caller?: string;
  /**
   * The requests in flight, oldest first. Node runs a request's handler as soon as its headers are in, even while
   * earlier replies on the connection are pending (HTTP/1.1 pipelining), and writes the replies in order; a reply
   * still queued when the connection closes gets no 'close' event, so the connection's own close ends it.
   */
  readonly inFlight: InFlight[];
  idleSince: number;
  /** To be closed after its last reply in flight (maximum age reached). */
  retiring: boolean;
  /**
   * A connection error's reply, written once the replies in flight before it are out (see onClientError); a request
   * read after the error is not run (`ignored` counts them).
   */
  afterReplies?: () => void;
  ignored: number;
  /** Handlers running for this connection's requests: at most MAX_HANDLERS_PER_CONNECTION. */
  handling: number;
  /** Pipelined requests waiting for one of those handlers, oldest first, each a start that says whether it started. */
  readonly waiting: (() => boolean)[];
}

/**
 * The one HTTP(S) front of the services and the edge: routing (identifier path parameters only), caller
 * authorization (mutual TLS), token authentication, scope, body validation (size, media type, schema), JSON replies,
 * a truthful access log, timeouts that fire on time, probes on a separate plain-HTTP port (the kubelet presents no
 * client certificate) and a drain that loses no request.
 */
export class RequestFront<R extends FrontRoute> {
  private readonly router: Router<R>;
  private readonly validator: BodyValidator;
  private readonly server: Server;
  private readonly healthServer: Server;
  private readonly connections = new Map<Socket, Connection>();
  /** Replies whose request the server's request timeout cut: their access line says so. */
  private readonly timedOut = new WeakSet<ServerResponse>();
  private draining = false;
  private stopping?: Promise<void>;
  /** Request handlers still running, whether or not their client is still there: a drain waits for them. */
  private handlersRunning = 0;
  private handlersFinished?: () => void;

  constructor(private readonly props: RequestFrontProps<R>) {
    this.validator = new BodyValidator(props.schemas);
    for (const route of props.routes) {
      if (route.bodySchema && !this.validator.has(route.bodySchema)) {
        throw new Error(`body schema ${route.bodySchema} of ${route.method} ${route.path} is missing from the schemas`);
      }
    }
    this.router = new Router(props.routes);
    this.server = this.createServer();
    this.healthServer = createHealthServer(() => this.server.listening && !this.draining);
  }

  async listen(host?: string): Promise<ListeningPorts> {
    const { config } = this.props;
    const port = await listenOn(this.server, config.port, host);
    const healthPort = await listenOn(this.healthServer, config.healthPort, host);
    this.props.logger.info('listening', { port, healthPort, security: this.props.security.kind });
    return { port, healthPort };
  }

  /**
   * Fails readiness, stops accepting connections, answers every request already received or still arriving on an
   * open connection (with `connection: close`), closes connections once idle, and cuts what is left after
   * `shutdownGraceMs`; then closes the peer pools and stops reloading certificates.
   */
  shutdown(): Promise<void> {
    // Once: a second call (another signal, a test's clean-up) waits for the same drain.
    return (this.stopping ??= this.stop());
  }

  private async stop(): Promise<void> {
    this.draining = true;
    const cut = await this.drain();
    const healthClosed = new Promise<void>((resolve) => this.healthServer.close(() => resolve()));
    // A probe connection that never finishes its request would hold close() for ever (close() also stops the timer
    // that enforces its header timeout): probes are cut rather than waited for.
    this.healthServer.closeAllConnections();
    await healthClosed;
    await Promise.all((this.props.closeOnShutdown ?? []).map((client) => client.close(cut)));
    if (this.props.security.kind !== 'plaintext') this.props.security.tls.stop();
    this.props.authenticator.stop();
    this.props.logger.info('stopped');
  }

  /** Resolves once every connection is closed and every handler finished, or the deadline passed: then with true. */
  private async drain(): Promise<boolean> {
    // http.Server#close would also drop idle keep-alive connections at once, resetting a request the client has
    // just sent on one; net.Server#close only stops accepting.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    // Logged once the listener has stopped accepting (the line may reach a reader before the next statement runs).
    this.props.logger.info('draining');
    const sweep = setInterval(() => this.closeIdleConnections(DRAIN_IDLE_MS), DRAIN_SWEEP_MS);
    let deadlinePassed = false;
    const deadline = setTimeout(() => {
      deadlinePassed = true;
      this.props.logger.warn('drain deadline: closing busy connections', {
        connections: this.connections.size,
        handlersRunning: this.handlersRunning,
      });
      this.server.closeAllConnections();
      for (const { socket } of this.connections.values()) socket.destroy();
      this.handlersFinished?.();
    }, this.props.config.shutdownGraceMs);
    await closed;
    // A handler whose client left (or whose reply was cut) may still be writing to a store: the drain waits for it,
    // up to the same deadline.
    if (this.handlersRunning > 0 && !deadlinePassed) await new Promise<void>((resolve) => (this.handlersFinished = resolve));
    clearInterval(sweep);
    clearTimeout(deadline);
    // Clears http.Server's timeout-check timer; the listening socket is already closed.
    this.server.close(() => undefined);
    return deadlinePassed;
  }

  /**
   * Closes a connection without cutting a reply or racing the client's next request: after its next reply, or once
   * it has been idle for DRAIN_IDLE_MS (a client that just received a reply may be sending on it already).
   */
  private retire(socket: Socket): void {
    const connection = this.connections.get(socket);
    if (!connection) return;
    connection.retiring = true;
    setTimeout(() => this.closeIfIdle(connection, DRAIN_IDLE_MS), DRAIN_IDLE_MS).unref();
  }

  private closeIfIdle(connection: Connection, idleMs: number): void {
    if (connection.inFlight.length === 0 && performance.now() - connection.idleSince >= idleMs) connection.socket.end();
  }

  private closeIdleConnections(idleMs: number): void {
    for (const connection of this.connections.values()) this.closeIfIdle(connection, idleMs);
  }

  private createServer(): Server {
    const { config, security } = this.props;
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res, 'none');
    const options = {
      // Checked in answer() instead, so that the 400 reaches the access log (Node would answer it unseen).
      requireHostHeader: false,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: config.timeouts.headersMs,
      requestTimeout: config.timeouts.requestMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    };
    let server: Server;
    if (security.kind === 'plaintext') {
      server = createHttpServer(options, handler);
      server.on('connection', (socket: Socket) => this.track(socket));
    } else {
      const tlsOptions = (material: SecureContextOptions): SecureContextOptions =>
        security.kind === 'mutual-tls'
          ? { ...material, minVersion: 'TLSv1.3' }
          : { ...material, minVersion: 'TLSv1.2', ciphers: TLS12_AEAD_CIPHERS };
      const https = createHttpsServer(
        {
          ...options,
          ...tlsOptions(security.tls.current),
          requestCert: security.kind === 'mutual-tls',
          rejectUnauthorized: security.kind === 'mutual-tls',
          handshakeTimeout: config.timeouts.tlsHandshakeMs,
        },
        handler,
      );
      security.tls.onChange((material) => https.setSecureContext(tlsOptions(material)));
      if (security.kind === 'mutual-tls') {
        guardServerConnections(https, security.tls, {
          logger: this.props.logger,
          maxConnectionAgeMs: security.maxConnectionAgeMs,
          retire: (socket) => this.retire(socket),
        });
      }
      https.on('secureConnection', (socket: TLSSocket) =>
        this.track(socket, security.kind === 'mutual-tls' ? spiffeIdOf(socket.getPeerCertificate()) : undefined),
      );
      // With a listener here, Node leaves the failed handshake's socket open (a silent client would keep it): close it.
      https.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
        this.logConnectionError(err);
        socket.destroy();
      });
      server = https;
    }
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res, 'continue'));
    // An Expect other than 100-continue: 417, through the access log (Node would answer it unseen).
    server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res, 'unsupported'));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => this.onClientError(err, socket));
    return server;
  }

  private track(socket: Socket, caller?: string): void {
    const connection: Connection = {
      socket,
      caller,
      inFlight: [],
      idleSince: performance.now(),
      retiring: false,
      ignored: 0,
      handling: 0,
      waiting: [],
    };
    this.connections.set(socket, connection);
    socket.once('close', () => {
      this.connections.delete(socket);
      // Requests still waiting for a handler are not started, and every request still in flight gets its line.
      connection.waiting.length = 0;
      for (const request of [...connection.inFlight]) request.end();
    });
  }

  /**
   * Node reports here a request that timed out (headers or body too slow) or did not parse. A request whose body is
   * being read has its reply object already: it gets its 408 (or 400) there, so the access log has it. Otherwise the
   * failed request has no reply object, and a one-off reply goes on the socket, after the replies in flight before it
   * (pipelined requests): it must not take the place of a reply to an earlier request.
   */
  private onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    const connection = this.connections.get(socket);
    // Decided already: a parser in its error state reports again for every chunk the client sends meanwhile.
    if (connection?.afterReplies) return;
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timedOut ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const latest = connection?.inFlight.at(-1)?.res;
    if (latest && !latest.req.complete && !latest.headersSent) {
      if (timedOut) this.timedOut.add(latest);
      replyJson(latest, status, { error: statusText(status).toLowerCase() }, ['connection', 'close']);
      return;
    }
    this.logConnectionError(err);
    const reply = () => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify({ error: statusText(status).toLowerCase() });
      socket.end(
        `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        () => socket.destroy(),
      );
    };
    if (connection && connection.inFlight.length > 0) connection.afterReplies = reply;
    else reply();
  }

  private logConnectionError(err: NodeJS.ErrnoException): void {
    this.props.logger.info('connection error', { reason: err.code ?? err.message });
  }

  private handle(req: IncomingMessage, res: ServerResponse, expectation: Expectation): void {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const sent = typeof header === 'string' && REQUEST_ID.test(header) ? header : undefined;
    const adopted = this.props.acceptRequestIds === false ? undefined : sent;
    const requestId = adopted ?? REQUEST_ID_PREFIX + (++requestCount).toString(36);
    const connection = this.connections.get(req.socket);
    if (connection) {
      if (connection.socket.destroyed) return;
      if (connection.inFlight.length + connection.ignored >= MAX_REQUESTS_PER_CONNECTION) {
        this.props.logger.warn('connection error', { reason: 'too many pipelined requests' });
        connection.socket.destroy();
        return;
      }
      // Read after the connection's error (a header timeout leaves the parser reading): never run, since that
      // error's reply closes the connection.
      if (connection.afterReplies) {
        connection.ignored++;
        return;
      }
    }
    // Every field the line can get, in its order: an object that keeps one shape.
    const access: AccessFields = {
      requestId,
      clientRequestId: adopted === undefined ? sent : undefined,
      method: req.method,
      // Without the query string: a client may put a token there (`?access_token=`), and the routes take none.
      path: pathOf(req.url),
      caller: connection?.caller,
      upstream: undefined,
      subject: undefined,
      status: undefined,
      outcome: undefined,
      durationMs: undefined,
    };
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (connection) {
        connection.inFlight.splice(
          connection.inFlight.findIndex((request) => request.res === res),
          1,
        );
        connection.idleSince = performance.now();
        if (connection.inFlight.length === 0 && connection.afterReplies) connection.afterReplies();
      }
      // What the client received: a status only if the whole reply went out.
      access.status = res.writableFinished ? res.statusCode : undefined;
      access.outcome = this.timedOut.has(res) ? 'timed-out' : res.writableFinished ? 'completed' : 'client-closed';
      access.durationMs = Math.round((performance.now() - started) * 10) / 10;
      this.props.logger.info(ACCESS_LOG.message, access);
    };
    connection?.inFlight.push({ res, end });
    res.on('close', end);
    const run = (): boolean => {
      // A waiting request whose connection was cut (a drain deadline, the client) is not started.
      if (res.destroyed || connection?.socket.destroyed) return false;
      if (connection) connection.handling++;
      this.handlersRunning++;
      void this.answer(req, res, requestId, connection, access, expectation).finally(() => {
        if (--this.handlersRunning === 0) this.handlersFinished?.();
        if (connection) this.handlerDone(connection);
      });
      return true;
    };
    if (connection && connection.handling >= MAX_HANDLERS_PER_CONNECTION) connection.waiting.push(run);
    else run();
  }

  /** Starts the connection's next waiting request that can still start. */
  private handlerDone(connection: Connection): void {
    connection.handling--;
    for (let next = connection.waiting.shift(); next; next = connection.waiting.shift()) if (next()) return;
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    connection: Connection | undefined,
    access: AccessFields,
    expectation: Expectation,
  ): Promise<void> {
    let reply: FrontReply;
    let headers: Record<string, string> = {};
    try {
      if (expectation === 'unsupported') throw new HttpError(417, 'only Expect: 100-continue is supported');
      if (req.headers.host === undefined && req.httpVersion === '1.1') throw new HttpError(400, 'HTTP/1.1 requires a Host header');
      const { route, params } = this.router.match(req.method, req.url);
      if (this.props.describeRoute) Object.assign(access, this.props.describeRoute(route));
      if (route.allowedCallers && !route.allowedCallers.has(connection?.caller ?? '')) {
        throw new HttpError(403, 'caller identity not allowed on this route');
      }
      const authenticated = this.props.authenticator.authenticate(req.headers.authorization);
      const principal = authenticated instanceof Promise ? await authenticated : authenticated;
      access.subject = principal.subject;
      requireScope(principal, route.scope);
      const body = route.bodySchema ? await this.readBody(req, res, route.bodySchema, expectation === 'continue') : undefined;
      reply = await this.props.dispatch({ route, requestId, params, principal, body });
    } catch (err) {
      ({ headers, ...reply } = errorReply(err, requestId, this.props.logger));
    }
    // A timed-out request was answered already, and a client that left gets nothing.
    if (res.headersSent || res.destroyed) return;
    // An unread body (rejected early) ends the connection rather than reading on; so does a draining server or a
    // retiring connection, with the last reply in flight: pipelined requests behind this one are answered first.
    const last = connection === undefined || connection.inFlight.at(-1)?.res === res;
    const close = !req.complete || ((this.draining || connection?.retiring === true) && last);
    const raw: RawHeaders = ['x-request-id', requestId];
    for (const [name, value] of Object.entries(headers)) raw.push(name, value);
    if (close) raw.push('connection', 'close');
    replyJson(res, reply.status, reply.body, raw);
  }

  private async readBody(req: IncomingMessage, res: ServerResponse, schema: string, expectsContinue: boolean): Promise<JsonBody> {
    const limit = this.props.config.bodyLimitBytes;
    checkJsonBodyHeaders(req, limit);
    // The client waits for this before sending the body: only a request that passed every other check gets it.
    if (expectsContinue) res.writeContinue();
    const body = await readJsonBody(req, limit);
    this.validator.validate(schema, body.value);
    return body;
  }
}

const STATUS_TEXT: ReadonlyMap<string, string | undefined> = new Map(Object.entries(STATUS_CODES));

/** The reason phrase of a status code (`Request Timeout`), empty for one Node does not name. */
function statusText(status: number): string {
  return STATUS_TEXT.get(String(status)) ?? '';
}

/**
 * The request target's path, at most 256 characters, without the query string (a client may put a token there) and
 * without the scheme and authority of an absolute-form target (`http://user:password@host/path`), which may carry
 * credentials; undefined for a target that has no path (`*`, `host:port`).
 */
function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let start = 0;
  if (!url.startsWith('/')) {
    const authority = url.indexOf('//');
    start = url.indexOf('/', authority === -1 ? 0 : authority + 2);
    if (start === -1) return undefined;
  }
  const query = url.indexOf('?', start);
  return url.slice(start, query === -1 ? undefined : query).slice(0, 256);
}
