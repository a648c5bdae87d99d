import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { REQUEST_BODY_SCHEMAS } from '../../lib/catalogue/body-schemas';
import { ServiceCatalogue } from '../../lib/catalogue/service-catalogue';
import { validateServiceCatalogue } from '../../lib/catalogue/validate-catalogue';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { EdgeConfig, PlatformConfig } from '../../lib/config';
import { KeysStack } from '../../lib/stacks/keys-stack';
import { EdgeStack } from '../../lib/stacks/edge-stack';
import { LoggingStack } from '../../lib/stacks/logging-stack';
import { NetworkStack } from '../../lib/stacks/network-stack';
import { testApp, testConfig } from '../support/platform-fixture';

/** The services' own body schemas, as the platform passes them. */

export interface EdgeFixture {
  readonly app: App;
  readonly edge: EdgeStack;
  /** Central logging, where the edge's log groups and dashboard widgets live. */
  readonly logging: LoggingStack;
  readonly config: PlatformConfig;
}

/**
 * The edge stack with its real neighbours (central logging, the secure VPC), built the
 * way createPlatform builds them.
 */
export function buildEdge(
  options: {
    context?: Record<string, unknown>;
    edge?: Partial<EdgeConfig>;
    catalogue?: ServiceCatalogue;
  } = {},
): EdgeFixture {
  const app = testApp();
  const base = testConfig(options.context);
  const config: PlatformConfig = { ...base, edge: { ...base.edge, ...options.edge } };
  const env = { account: config.env.account, region: config.env.region };
  const logging = new LoggingStack(app, 'Logging', { env, logging: config.logging, retainLogs: config.retainData });
  const keys = new KeysStack(app, 'Keys', { env, retainKeys: false, logDestinations: logging.logging });
  const network = new NetworkStack(app, 'Network', {
    env,
    network: config.network,
    logDestinations: logging.logging,
    imageCacheKey: keys.keys.data,
  });
  const edge = new EdgeStack(app, 'Edge', {
    env,
    stackName: `${config.profile}-platform-edge`,
    edge: config.edge,
    catalogue: options.catalogue === undefined ? REFERENCE_CATALOGUE : validateServiceCatalogue(options.catalogue),
    vpc: network.network.vpc,
    workloadSubnets: network.network.workloadSubnets,
    logDestinations: logging.logging,
    requestSchemas: REQUEST_BODY_SCHEMAS,
    retainData: config.retainData,
    deletionProtection: config.deletionProtection,
    profile: config.profile,
    secretsKey: keys.keys.data,
  });
  return { app, edge, logging, config };
}

/** An app client's OAuth scopes as tokens carry them: each `<resource server ref>/<scope>` join resolved to the server's identifier. */
export function grantedScopes(template: Template, client: { AllowedOAuthScopes: unknown[] }): string[] {
  const servers = template.findResources('AWS::Cognito::UserPoolResourceServer');
  return client.AllowedOAuthScopes.map((scope) => {
    if (typeof scope === 'string') return scope;
    const [server, suffix] = (scope as { 'Fn::Join': [string, [{ Ref: string }, string]] })['Fn::Join'][1];
    return `${servers[server.Ref].Properties.Identifier}${suffix}`;
  });
}

/** Methods of the template with the route path taken from the integration URI (the ingress host is a token). */
export function apiMethods(template: Template): Array<Record<string, any> & { path: string }> {
  return Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => {
    const uri = m.Properties.Integration.Uri;
    const text: string = typeof uri === 'string' ? uri : uri['Fn::Join'][1].filter((p: unknown) => typeof p === 'string').join('');
    return { path: text.replace(/^https?:\/\/[^/]*/, ''), ...m.Properties };
  });
}
