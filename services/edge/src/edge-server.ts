import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ServiceCatalogue, spiffeId } from '../../../lib/catalogue/service-catalogue';
import { AccessTokenAuthenticator, requireScope } from '../../shared/src/auth/access-token-authenticator';
import { createHealthServer, drain, listenOn, replyJson } from '../../shared/src/http/server-lifecycle';
import { errorReply } from '../../shared/src/http/error-reply';
import { readJsonBody } from '../../shared/src/http/json-body';
import { Router } from '../../shared/src/http/router';
import { ListeningPorts } from '../../shared/src/http/service-server';
import { Logger } from '../../shared/src/log';
import { ReloadingTlsMaterial } from '../../shared/src/mtls/tls-material';
import { PeerClient } from '../../shared/src/peer/peer-client';
import { createServiceSecurity } from '../../shared/src/service-security';
import { EdgeConfig } from './config';
import { PublicRoute, publicRoutes, publicServices } from './public-routes';

/** The edge for a loaded configuration: the shared token authenticator and the ingress certificate from its files. */
export function createEdgeServer(catalogue: ServiceCatalogue, config: EdgeConfig, logger: Logger): EdgeServer {
  const { authenticator, tls } = createServiceSecurity(config.shared, logger);
  // loadEdgeConfig accepts only native mode, where createServiceSecurity always loads the certificate.
  if (!tls) throw new Error('the edge needs its certificate: MTLS_MODE must be native');
  return new EdgeServer({ catalogue, config, authenticator, tls, logger });
}

export interface EdgeServerProps {
  readonly catalogue: ServiceCatalogue;
  readonly config: EdgeConfig;
  readonly authenticator: AccessTokenAuthenticator;
  /** The ingress workload certificate: the client certificate to the services, and the listener's certificate in `tls` mode. */
  readonly tls: ReloadingTlsMaterial;
  readonly logger: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The edge of native mTLS mode, where no mesh gateway exists: terminates API Gateway's TLS without asking for a
 * client certificate (API Gateway cannot present one to a load-balancer target), routes only the catalogue's
 * public routes, rejects a missing or invalid token before anything is forwarded, and forwards to the owning
 * service over mTLS with the ingress identity (each service admits the ingress only on its public routes).
 * API Gateway verifies the public certificate of the load balancer, which re-encrypts to this listener with the
 * workload certificate (a load balancer does not verify its targets); plain HTTP only in the dev fallback.
 */
export class EdgeServer {
  private readonly router: Router<PublicRoute>;
  private readonly peers: ReadonlyMap<string, PeerClient>;
  private readonly server: Server;
  private readonly healthServer: Server;
  private draining = false;

  constructor(private readonly props: EdgeServerProps) {
    const { catalogue, config, tls, logger } = props;
    this.router = new Router(publicRoutes(catalogue));
    this.peers = new Map(publicServices(catalogue).map((service) => [service.name, new PeerClient({
      name: service.name,
      baseUrl: config.upstreamUrls[service.name],
      mtls: { tls, expectedIdentity: spiffeId(catalogue.trustDomain, service.namespace, service.name) },
      connections: 32,
      attemptTimeoutMs: config.peerTimeoutMs,
      retries: config.peerRetries,
      breakAfter: 5,
      halfOpenAfterMs: 5000,
      logger,
    })]));
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    if (config.listener === 'tls') {
      // TLS 1.2 as well as 1.3: the load balancer's connection to its targets is not guaranteed to offer 1.3.
      const server = createHttpsServer({ ...tls.current, minVersion: 'TLSv1.2', keepAliveTimeout: 65_000 }, handler);
      tls.onChange((material) => server.setSecureContext({ ...material, minVersion: 'TLSv1.2' }));
      this.server = server;
    } else {
      this.server = createHttpServer({ keepAliveTimeout: 65_000 }, handler);
    }
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.healthServer = createHealthServer(() => this.server.listening && !this.draining);
  }

  async listen(host?: string): Promise<ListeningPorts> {
    const { config } = this.props;
    const port = await listenOn(this.server, config.shared.port, host);
    const healthPort = await listenOn(this.healthServer, config.shared.healthPort, host);
    this.props.logger.info('listening', { port, healthPort, routes: publicRoutes(this.props.catalogue).length });
    return { port, healthPort };
  }

  /** Stops accepting, lets in-flight requests finish (cut after `shutdownGraceMs`), closes the upstream pools, stops reloading. */
  async shutdown(): Promise<void> {
    this.draining = true;
    this.props.logger.info('draining');
    await drain(this.server, this.props.config.shared.shutdownGraceMs);
    await new Promise<void>((resolve) => this.healthServer.close(() => resolve()));
    await Promise.all([...this.peers.values()].map((peer) => peer.close()));
    this.props.tls.stop();
    this.props.logger.info('stopped');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    let subject: string | undefined;
    let upstream: string | undefined;
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const { route } = this.router.match(req.method, req.url);
      const authenticated = this.props.authenticator.authenticate(req.headers.authorization);
      const principal = authenticated instanceof Promise ? await authenticated : authenticated;
      subject = principal.subject;
      requireScope(principal, route.scope);
      upstream = route.service.name;
      const requestBody = route.bodySchema ? await readJsonBody(req, this.props.config.shared.bodyLimitBytes) : undefined;
      // Only the verified token and the request id travel on: no client-controlled header reaches the service.
      ({ status, body } = await this.peers.get(upstream)!.request({
        method: route.method,
        path: req.url!,
        headers: { authorization: `Bearer ${principal.token}`, 'x-request-id': requestId },
        body: requestBody,
      }));
    } catch (err) {
      ({ status, body, headers } = errorReply(err, requestId, this.props.logger));
    }
    const close = this.draining || !req.complete;
    replyJson(res, status, body, { ...headers, 'x-request-id': requestId, ...(close ? { connection: 'close' } : {}) });
    this.props.logger.info('request', {
      requestId, method: req.method, path: req.url?.slice(0, 256), status, upstream, subject,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  }
}
