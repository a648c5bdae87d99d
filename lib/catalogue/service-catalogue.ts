/**
 * The service catalogue: the single source of truth for the sample services. The API edge (methods and scopes),
 * the data stack (tables, bucket prefixes, IAM roles), the charts (NetworkPolicies, mesh authorization,
 * certificates) and the services themselves (routes, scopes, peers) are all derived from it, so they cannot drift.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ServiceRoute {
  readonly method: HttpMethod;
  /** Path template; `{name}` marks a path parameter. */
  readonly path: string;
  /** OAuth scope the caller's access token must carry, as `<resource server>/<scope>`. */
  readonly scope: string;
  /** Exposed through API Gateway; otherwise reachable only from peers allowed by the call graph. */
  readonly public: boolean;
  /** JSON schema name of the request body (see services/<name>/src/schemas.ts); undefined for no body. */
  readonly bodySchema?: string;
}

/** DynamoDB item operations a service may be granted on its own table; Scan is left out on purpose. */
export type TableOperation = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'ConditionCheckItem';

export interface ServiceTableSpec {
  /** Partition key attribute (string). */
  readonly partitionKey: string;
  /** Table name, unique in the catalogue (the data stack prefixes it per environment). @default - the service name */
  readonly name?: string;
  /** The item operations the service performs; its IAM role gets exactly these actions on this table. */
  readonly operations: readonly TableOperation[];
}

export interface ServiceDefinition {
  /** DNS-safe name; also the Kubernetes service account, the resource-server id and the IAM role suffix. */
  readonly name: string;
  readonly namespace: string;
  /** Container port the service listens on. */
  readonly port: number;
  /** Scopes this service defines on its resource server (bare names, e.g. `read`). */
  readonly scopes: readonly string[];
  /**
   * The scope (one of `scopes`, required by no route) that widens whose resources a caller reaches: without it, only
   * its own, and another subject's resource is answered as unknown (OWASP API1, object-level authorization); with it,
   * anyone's, on the routes its other scopes open. The default app clients are not granted it: granting it is an
   * operator's decision. Services whose resources have no owner (inventory: stock is shared by every caller) need none.
   * @default - none: no token reaches another subject's resources
   */
  readonly adminScope?: string;
  readonly routes: readonly ServiceRoute[];
  /** Services this one may call (edges of the call graph). */
  readonly calls: readonly string[];
  /** The DynamoDB table the service owns, if any. */
  readonly table?: ServiceTableSpec;
  /** Whether the service owns a prefix (`<name>/`) in the shared data bucket. */
  readonly ownsDataPrefix: boolean;
  /**
   * Secrets the service reads, by name (a DNS label each): each is a Secrets Manager secret of its own that only this
   * service's role may read, mounted read-only as the file `<SERVICE_SECRETS_DIR>/<name>`.
   * @default - none
   */
  readonly secrets?: readonly string[];
}

/** The key orders signs order receipts with: the sample of a service secret delivered end to end. */
export const RECEIPT_SIGNING_KEY_SECRET = 'receipt-signing-key';

/** The in-cluster identity that forwards API Gateway traffic (mesh ingress or edge proxy) to public routes. */
export interface IngressIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export interface ServiceCatalogue {
  /** SPIFFE trust domain of workload identities (`spiffe://<trustDomain>/ns/<ns>/sa/<sa>`). */
  readonly trustDomain: string;
  readonly ingress: IngressIdentity;
  readonly services: readonly ServiceDefinition[];
}

export const SERVICE_CATALOGUE: ServiceCatalogue = {
  trustDomain: 'cluster.local',
  ingress: { namespace: 'platform-ingress', serviceAccount: 'ingress-gateway' },
  services: [
    {
      name: 'orders',
      namespace: 'shop',
      port: 8443,
      scopes: ['read', 'write', 'admin'],
      adminScope: 'admin',
      routes: [
        { method: 'GET', path: '/orders/{orderId}', scope: 'orders/read', public: true },
        { method: 'POST', path: '/orders', scope: 'orders/write', public: true, bodySchema: 'CreateOrder' },
      ],
      calls: ['inventory'],
      // Values are `order#<customer>#<orderId>` and `customers#<orderId>`: see services/orders/src/dynamo-order-store.ts.
      table: { partitionKey: 'orderId', operations: ['GetItem', 'PutItem'] },
      ownsDataPrefix: true,
      secrets: [RECEIPT_SIGNING_KEY_SECRET],
    },
    {
      name: 'inventory',
      namespace: 'shop',
      port: 8443,
      scopes: ['read', 'write'],
      routes: [
        { method: 'GET', path: '/inventory/{sku}', scope: 'inventory/read', public: true },
        { method: 'PUT', path: '/inventory/{sku}', scope: 'inventory/write', public: true, bodySchema: 'SetStock' },
      ],
      calls: [],
      table: { partitionKey: 'sku', operations: ['GetItem', 'PutItem'] },
      ownsDataPrefix: false,
    },
  ],
};

/** The routes API Gateway exposes: one method each. */
export function publicRoutes(catalogue: ServiceCatalogue): ServiceRoute[] {
  return catalogue.services.flatMap((s) => s.routes).filter((r) => r.public);
}

/** A route as the catalogue spells it, `METHOD /path` (e.g. `POST /orders`): keys method throttles and smoke samples. */
export function routeKey(route: Pick<ServiceRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The SPIFFE id of a workload, as mesh certificates and native-mode cert-manager certificates carry it. */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The name of a service's table: `table.name`, or the service name. */
export function tableName(service: ServiceDefinition): string | undefined {
  return service.table && (service.table.name ?? service.name);
}

/** A scope of a service as access tokens carry it, `<service>/<scope>` (the service is the resource server). */
export function qualifiedScope(service: ServiceDefinition, scope: string): string {
  return `${service.name}/${scope}`;
}

/** Every scope defined by the services' resource servers, as `<service>/<scope>`. */
export function definedScopes(catalogue: ServiceCatalogue): Set<string> {
  return new Set(catalogue.services.flatMap((s) => s.scopes.map((scope) => qualifiedScope(s, scope))));
}

/** The service's admin scope as tokens carry it; undefined when it has none. */
export function adminScopeOf(service: ServiceDefinition): string | undefined {
  return service.adminScope === undefined ? undefined : qualifiedScope(service, service.adminScope);
}

/** Every service's admin scope: defined on the resource servers, never granted to the default app clients. */
export function adminScopes(catalogue: ServiceCatalogue): Set<string> {
  return new Set(catalogue.services.flatMap((s) => adminScopeOf(s) ?? []));
}
