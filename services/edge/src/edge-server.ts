import { BodySchemas, REQUEST_BODY_SCHEMAS } from '../../../lib/catalogue/body-schemas';
import { ServiceCatalogue, spiffeId } from '../../../lib/catalogue/service-catalogue';
import { AccessTokenAuthenticator } from '../../shared/src/auth/access-token-authenticator';
import { FrontReply, FrontRequest, ListeningPorts, RequestFront } from '../../shared/src/http/request-front';
import { expandPath } from '../../shared/src/http/router';
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
  return new EdgeServer({ catalogue, config, authenticator, tls, logger, schemas: REQUEST_BODY_SCHEMAS });
}

export interface EdgeServerProps {
  readonly catalogue: ServiceCatalogue;
  readonly config: EdgeConfig;
  readonly authenticator: AccessTokenAuthenticator;
  /** The ingress workload certificate: the client certificate to the services, and the listener's certificate in `tls` mode. */
  readonly tls: ReloadingTlsMaterial;
  /** The services' body schemas, by the names the catalogue's routes use. */
  readonly schemas: BodySchemas;
  readonly logger: Logger;
}

/**
 * The edge of native mTLS mode, where no mesh gateway exists: terminates API Gateway's TLS without asking for a
 * client certificate (API Gateway cannot present one to a load-balancer target), routes only the catalogue's
 * public routes, and checks each request as the owning service would (path parameters, token, scope, body size,
 * media type and schema) before anything is forwarded, over mTLS with the ingress identity (each service admits
 * the ingress only on its public routes). API Gateway verifies the public certificate of the load balancer, which
 * re-encrypts to this listener with the workload certificate (a load balancer does not verify its targets); plain
 * HTTP only in the dev fallback.
 */
export class EdgeServer {
  private readonly peers: ReadonlyMap<string, PeerClient>;
  private readonly front: RequestFront<PublicRoute>;

  constructor(props: EdgeServerProps) {
    const { catalogue, config, tls, logger } = props;
    this.peers = new Map(
      publicServices(catalogue).map((service) => [
        service.name,
        new PeerClient({
          name: service.name,
          baseUrl: config.upstreamUrls[service.name],
          mtls: { tls, expectedIdentity: spiffeId(catalogue.trustDomain, service.namespace, service.name) },
          connections: 32,
          attemptTimeoutMs: config.peerTimeoutMs,
          retries: config.peerRetries,
          breakAfter: 5,
          halfOpenAfterMs: 5000,
          logger,
        }),
      ]),
    );
    this.front = new RequestFront({
      routes: publicRoutes(catalogue),
      schemas: props.schemas,
      authenticator: props.authenticator,
      config: config.shared,
      security: config.listener === 'tls' ? { kind: 'server-tls', tls } : { kind: 'plaintext' },
      acceptRequestIds: false,
      logger,
      dispatch: (request) => this.forward(request),
      describeRoute: (route) => ({ upstream: route.service.name }),
      // The certificate's reloading too: with the plain-HTTP listener of the dev fallback, the front does not hold it.
      closeOnShutdown: [...this.peers.values(), { close: async () => tls.stop() }],
    });
  }

  listen(host?: string): Promise<ListeningPorts> {
    return this.front.listen(host);
  }

  /** Drains (see RequestFront#shutdown), closes the upstream pools, stops reloading the certificate. */
  shutdown(): Promise<void> {
    return this.front.shutdown();
  }

  /**
   * Sends the canonical path (no query), the verified token, the request id and the body bytes the schema
   * accepted: nothing else the client sent reaches the service. The reply's JSON is passed on unparsed.
   */
  private forward({ route, params, principal, requestId, body }: FrontRequest<PublicRoute>): Promise<FrontReply> {
    return this.peers.get(route.service.name)!.request({
      method: route.method,
      path: expandPath(route.path, params),
      headers: { authorization: `Bearer ${principal.token}`, 'x-request-id': requestId },
      body: body?.bytes,
    });
  }
}
