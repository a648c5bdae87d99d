import { ServiceCatalogue, ServiceDefinition } from '../../../../lib/catalogue/service-catalogue';
import { AccessTokenAuthenticator } from '../auth/access-token-authenticator';
import { SharedServiceConfig } from '../config/shared-config';
import { Logger } from '../log';
import { ReloadingTlsMaterial } from '../mtls/tls-material';
import { BodySchemas } from '../../../../lib/catalogue/body-schemas';
import { ClosedOnShutdown, ListeningPorts, RequestFront } from './request-front';
import { BoundRoute, bindRoutes, RouteHandler } from './route-binding';

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
  readonly closeOnShutdown?: readonly ClosedOnShutdown[];
}

/**
 * A catalogue service behind the shared request front: the catalogue's routes joined with the service's handlers,
 * plain HTTP behind the mesh or mutual TLS 1.3 in native mode, where each route admits only its catalogue callers.
 */
export class ServiceServer {
  private readonly front: RequestFront<BoundRoute>;

  constructor(props: ServiceServerProps) {
    const { mtls } = props.config;
    const native = mtls.mode === 'native';
    if (native && !props.tls) throw new Error('native mTLS mode needs the service certificate (tls)');
    this.front = new RequestFront({
      routes: bindRoutes(props.catalogue, props.service, props.handlers, native),
      schemas: props.schemas,
      authenticator: props.authenticator,
      config: props.config,
      security:
        mtls.mode === 'native'
          ? { kind: 'mutual-tls', tls: props.tls!, maxConnectionAgeMs: mtls.maxConnectionAgeMs }
          : { kind: 'plaintext' },
      logger: props.logger,
      dispatch: ({ route, requestId, params, principal, body }) => route.handle({ requestId, params, principal, body: body?.value }),
      closeOnShutdown: props.closeOnShutdown,
    });
  }

  listen(host?: string): Promise<ListeningPorts> {
    return this.front.listen(host);
  }

  /** Drains (see RequestFront#shutdown) and resolves once the service has stopped. */
  shutdown(): Promise<void> {
    return this.front.shutdown();
  }
}
