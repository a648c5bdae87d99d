import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { TLSSocket } from 'node:tls';
import { ServiceCatalogue, ServiceDefinition } from '../../../../lib/catalogue/service-catalogue';
import { AccessTokenAuthenticator, requireScope } from '../auth/access-token-authenticator';
import { SharedServiceConfig } from '../config/shared-config';
import { Logger } from '../log';
import { spiffeIdOf } from '../mtls/spiffe-identity';
import { ReloadingTlsMaterial } from '../mtls/tls-material';
import { BodySchemas, BodyValidator } from './body-validator';
import { createHealthServer, drain, listenOn, replyJson } from './server-lifecycle';
import { errorReply } from './error-reply';
import { HttpError } from './http-error';
import { readJsonBody } from './json-body';
import { BoundRoute, bindRoutes, RouteHandler } from './route-binding';
import { Router } from './router';

export interface ServiceServerProps {
  readonly catalogue: ServiceCatalogue;
  readonly service: ServiceDefinition;
  readonly config: SharedServiceConfig;
  readonly handlers: readonly RouteHandler[];
  readonly schemas: BodySchemas;
  readonly authenticator: AccessTokenAuthenticator;
  /** The service's own certificate; required when `config.mtls.mode` is `native`. */
  readonly tls?: ReloadingTlsMaterial;
  readonly logger: Logger;
  /**
   * Clients (peer pools) closed once the last in-flight request has finished.
   * @default - nothing to close
   */
  readonly closeOnShutdown?: readonly { close(): Promise<void> }[];
}

export interface ListeningPorts {
  readonly port: number;
  readonly healthPort: number;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The HTTP(S) front of a service: routing, caller authorization (native mTLS), token authentication, body
 * validation, JSON replies, access logs, probes on a separate plain-HTTP port (the kubelet presents no client
 * certificate) and graceful shutdown.
 */
export class ServiceServer {
  private readonly router: Router<BoundRoute>;
  private readonly validator: BodyValidator;
  private readonly server: Server;
  private readonly healthServer: Server;
  /** SPIFFE id of each TLS connection's client, read once at the handshake rather than on every request. */
  private readonly callers = new WeakMap<object, string | undefined>();
  private draining = false;

  constructor(private readonly props: ServiceServerProps) {
    this.validator = new BodyValidator(props.schemas);
    this.router = new Router(bindRoutes(props.catalogue, props.service, props.handlers, this.validator));
    this.server = this.createServer();
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.healthServer = createHealthServer(() => this.server.listening && !this.draining);
  }

  async listen(host?: string): Promise<ListeningPorts> {
    const { config } = this.props;
    const port = await listenOn(this.server, config.port, host);
    const healthPort = await listenOn(this.healthServer, config.healthPort, host);
    this.props.logger.info('listening', { port, healthPort, mtlsMode: config.mtls.mode });
    return { port, healthPort };
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (their replies close the connection), then
   * resolves; connections still busy after `shutdownGraceMs` are cut.
   */
  async shutdown(): Promise<void> {
    this.draining = true;
    this.props.logger.info('draining');
    await drain(this.server, this.props.config.shutdownGraceMs);
    await new Promise<void>((resolve) => this.healthServer.close(() => resolve()));
    await Promise.all((this.props.closeOnShutdown ?? []).map((client) => client.close()));
    this.props.tls?.stop();
    this.props.logger.info('stopped');
  }

  private createServer(): Server {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    if (this.props.config.mtls.mode === 'istio-ambient') return createHttpServer({ keepAliveTimeout: 65_000 }, handler);
    const tls = this.props.tls;
    if (!tls) throw new Error('native mTLS mode needs the service certificate (tls)');
    const server = createHttpsServer({
      ...tls.current,
      minVersion: 'TLSv1.3',
      requestCert: true,
      rejectUnauthorized: true,
      keepAliveTimeout: 65_000,
    }, handler);
    tls.onChange((material) => server.setSecureContext({ ...material, minVersion: 'TLSv1.3' }));
    server.on('secureConnection', (socket: TLSSocket) => this.callers.set(socket, spiffeIdOf(socket.getPeerCertificate())));
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    const caller = this.callers.get(req.socket);
    let subject: string | undefined;
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const { route, params } = this.router.match(req.method, req.url);
      if (this.props.config.mtls.mode === 'native' && !route.allowedCallers.has(caller ?? '')) {
        throw new HttpError(403, 'caller identity not allowed on this route');
      }
      const authenticated = this.props.authenticator.authenticate(req.headers.authorization);
      const principal = authenticated instanceof Promise ? await authenticated : authenticated;
      subject = principal.subject;
      requireScope(principal, route.scope);
      const requestBody = route.bodySchema
        ? this.validator.validate(route.bodySchema, await readJsonBody(req, this.props.config.bodyLimitBytes))
        : undefined;
      ({ status, body } = await route.handle({ requestId, params, body: requestBody, principal }));
    } catch (err) {
      ({ status, body, headers } = errorReply(err, requestId, this.props.logger));
    }
    // An unread body (rejected early) or a draining server ends the connection rather than reading on.
    const close = this.draining || !req.complete;
    this.reply(res, status, body, { ...headers, 'x-request-id': requestId, ...(close ? { connection: 'close' } : {}) });
    this.props.logger.info('request', {
      requestId, method: req.method, path: req.url?.slice(0, 256), status, caller, subject,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  }

  private reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    replyJson(res, status, body, headers);
  }
}
