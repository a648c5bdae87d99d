import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { publicRoutes, routeKey, ServiceCatalogue, ServiceRoute } from '../catalogue/service-catalogue';

/**
 * One JSON object per request, every value a string so metric filters compare them the same way. Carries who
 * called (token subject and client id), what WAF decided and where time went; never the token itself.
 */
export const ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(
  JSON.stringify({
    requestId: apigateway.AccessLogField.contextRequestId(),
    extendedRequestId: apigateway.AccessLogField.contextExtendedRequestId(),
    requestTime: apigateway.AccessLogField.contextRequestTime(),
    sourceIp: apigateway.AccessLogField.contextIdentitySourceIp(),
    httpMethod: apigateway.AccessLogField.contextHttpMethod(),
    resourcePath: apigateway.AccessLogField.contextResourcePath(),
    protocol: apigateway.AccessLogField.contextProtocol(),
    status: apigateway.AccessLogField.contextStatus(),
    responseLength: apigateway.AccessLogField.contextResponseLength(),
    responseLatency: apigateway.AccessLogField.contextResponseLatency(),
    integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
    integrationStatus: apigateway.AccessLogField.contextIntegrationStatus(),
    subject: apigateway.AccessLogField.contextAuthorizerClaims('sub'),
    clientId: apigateway.AccessLogField.contextAuthorizerClaims('client_id'),
    // The key's id, never its value: set on methods that require a key, so a key used with another client's token shows.
    apiKeyId: apigateway.AccessLogField.contextIdentityApiKeyId(),
    wafStatus: apigateway.AccessLogField.contextWafResponseCode(),
    errorType: apigateway.AccessLogField.contextErrorResponseType(),
    errorMessage: apigateway.AccessLogField.contextErrorMessageString(),
    xrayTraceId: apigateway.AccessLogField.contextXrayTraceId(),
  }),
);

/**
 * The log group API Gateway writes a stage's execution logs to, creating it (unencrypted, never expiring) if it does
 * not exist: create it first, with a key and retention, and make the stage depend on it.
 */
export function executionLogGroupName(restApiId: string, stageName: string): string {
  return `API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}

/** Plain JSON schemas by name, the shape the services keep them in. */
export type RequestSchemas = Readonly<Record<string, object>>;

/**
 * The services' schemas use only keywords draft-04 shares with later drafts (type, properties, required,
 * additionalProperties, pattern, bounds), so they are API Gateway models once the draft is declared.
 */
function draft4(schema: object): apigateway.JsonSchema {
  return { schema: apigateway.JsonSchemaVersion.DRAFT4, ...(schema as apigateway.JsonSchema) };
}

/** A request rate limit in API Gateway's terms (token bucket). */
export interface ApiThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst capacity; must be at least `rateLimit`. */
  readonly burstLimit: number;
}

export interface PlatformApiProps {
  /** The catalogue's public routes become the API's methods, each requiring its route's scope. */
  readonly catalogue: ServiceCatalogue;
  /** Issuer of the access tokens the authorizer accepts. */
  readonly userPool: cognito.IUserPool;
  /** Literal API name: metrics and dashboards refer to it without a cross-stack reference. */
  readonly restApiName: string;
  /** Stage-wide steady rate and burst. */
  readonly throttle: ApiThrottle;
  /** Tighter limits for single methods, keyed `METHOD /path` (see `routeKey`). @default - stage limits only */
  readonly methodThrottles?: Readonly<Record<string, ApiThrottle>>;
  /**
   * Methods that require an API key (`x-api-key`) in addition to the Cognito token, as `METHOD /path`: for every caller,
   * since API Gateway decides it per method. Keys and their usage plans come with them (`ApiClients`).
   * @default - no method requires a key
   */
  readonly keyRequiredRoutes?: readonly string[];
  /**
   * JSON schema of each body schema name the catalogue's routes use, as the services validate bodies with it
   * (`services/<name>/src/schemas.ts`); API Gateway validates against the same schema, as draft-04.
   */
  readonly requestSchemas: RequestSchemas;
  /** KMS-encrypted log group for JSON access logs (CentralLogging.createLogGroup). */
  readonly accessLogGroup: logs.ILogGroup;
  /** VPC link to the private ingress load balancer. */
  readonly vpcLink: apigateway.IVpcLink;
  /**
   * `https://<host>` of the ingress; route paths are appended. API Gateway verifies the ingress certificate against
   * the host (CloudFormation cannot turn that off, and we would not).
   */
  readonly integrationBaseUri: string;
  /** @default 'v1' */
  readonly stageName?: string;
  /**
   * Create the account's API Gateway CloudWatch Logs role (AWS::ApiGateway::Account, before the stage): execution
   * logging fails on an account without one. Account-wide and regional, so it is kept when the stack is deleted.
   * Set false where a landing zone already manages it.
   * @default true
   */
  readonly accountLogRole?: boolean;
  /** Turn off the default `execute-api` endpoint, e.g. when a custom domain with mutual TLS is the only way in. @default false */
  readonly disableExecuteApiEndpoint?: boolean;
}

/**
 * The REST API (REST because HTTP APIs cannot take a WAF WebACL): one method per public catalogue route, each
 * behind the Cognito authorizer with exactly the route's scope (and an API key where asked), request validation
 * against models, stage and per-method throttling, JSON access logs, execution logs without data tracing, X-Ray,
 * no caching, and an HTTP proxy integration through the VPC link. API Gateway presents a client certificate to
 * the ingress, which can require it.
 */
export class PlatformApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly stage: apigateway.Stage;
  /** The literal stage name (the stage's own `stageName` is a reference to the resource). */
  readonly stageName: string;
  readonly authorizer: apigateway.CognitoUserPoolsAuthorizer;
  /** API Gateway's certificate towards the backend; the ingress may require it (mutual TLS on the private hop). */
  readonly clientCertificate: apigateway.CfnClientCertificate;

  constructor(scope: Construct, id: string, props: PlatformApiProps) {
    super(scope, id);
    const routes = publicRoutes(props.catalogue);
    const keyRequired = new Set(props.keyRequiredRoutes ?? []);
    checkRouteKeys(routes, 'method throttle', Object.keys(props.methodThrottles ?? {}));
    checkRouteKeys(routes, 'key-required route', [...keyRequired]);
    checkRequestSchemas(routes, props.requestSchemas);

    this.stageName = props.stageName ?? 'v1';
    const accountLogRole = props.accountLogRole ?? true;
    this.clientCertificate = new apigateway.CfnClientCertificate(this, 'BackendClientCertificate', {
      description: 'Presented by API Gateway to the private ingress',
    });
    this.api = new apigateway.RestApi(this, 'Resource', {
      restApiName: props.restApiName,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint ?? false,
      cloudWatchRole: accountLogRole,
      // Account-wide and regional: other APIs of the account rely on it after this stack is gone.
      ...(accountLogRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: this.stageName,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        methodOptions: Object.fromEntries(
          Object.entries(props.methodThrottles ?? {}).map(([key, limits]) => {
            const [method, path] = key.split(' ');
            return [`${path}/${method}`, { throttlingRateLimit: limits.rateLimit, throttlingBurstLimit: limits.burstLimit }];
          }),
        ),
        accessLogDestination: new apigateway.LogGroupLogDestination(props.accessLogGroup),
        accessLogFormat: ACCESS_LOG_FORMAT,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // request and response bodies would put tokens and personal data in logs
        metricsEnabled: true,
        tracingEnabled: true,
        cacheClusterEnabled: false,
        clientCertificateId: this.clientCertificate.attrClientCertificateId,
      },
    });
    this.stage = this.api.deploymentStage;

    this.authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.userPool] });
    const validator = this.api.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true });
    const models = new Map(
      Object.entries(props.requestSchemas).map(([name, schema]) => [
        name,
        this.api.addModel(`${name}Model`, { modelName: name, contentType: 'application/json', schema: draft4(schema) }),
      ]),
    );

    for (const route of routes) {
      const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      this.api.root.resourceForPath(route.path).addMethod(
        route.method,
        new apigateway.Integration({
          type: apigateway.IntegrationType.HTTP_PROXY,
          integrationHttpMethod: route.method,
          uri: `${props.integrationBaseUri}${route.path}`,
          options: {
            connectionType: apigateway.ConnectionType.VPC_LINK,
            vpcLink: props.vpcLink,
            requestParameters: Object.fromEntries(pathParameters.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`])),
          },
        }),
        {
          authorizer: this.authorizer,
          authorizationType: apigateway.AuthorizationType.COGNITO,
          authorizationScopes: [route.scope],
          apiKeyRequired: keyRequired.has(routeKey(route)),
          requestValidator: validator,
          requestParameters: Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true])),
          requestModels: route.bodySchema ? { 'application/json': models.get(route.bodySchema)! } : undefined,
        },
      );
    }
  }
}

function checkRouteKeys(routes: readonly ServiceRoute[], what: string, given: readonly string[]): void {
  const keys = routes.map(routeKey);
  for (const key of given) {
    if (!keys.includes(key)) {
      throw new Error(`${what} "${key}" names no public route; use one of: ${keys.join(', ')}`);
    }
  }
}

function checkRequestSchemas(routes: readonly ServiceRoute[], schemas: RequestSchemas): void {
  const missing = [...new Set(routes.flatMap((r) => (r.bodySchema && !(r.bodySchema in schemas) ? [r.bodySchema] : [])))];
  if (missing.length > 0) {
    throw new Error(`no request schema for body schema ${missing.join(', ')}: pass a JSON schema for each in requestSchemas`);
  }
}
