import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as path from 'path';
import {
  ApiClientConfig,
  EdgeConfig,
  IdentityProviderConfig,
  loadPlatformConfig,
  PlatformConfig,
  validatePlatformConfig,
} from '../../lib/config';
import { createPlatform, Platform } from '../../lib/platform';
import { REFERENCE_CATALOGUE } from './catalogue';

const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/**
 * Tests read templates, never staged assets: without staging a synth writes no asset copies (about 60 MB per
 * platform synth: the kubectl and helm layers), while templates stay byte-identical (asset hashes are still computed).
 */
const NO_ASSET_STAGING = { 'aws:cdk:disable-asset-staging': true };

/**
 * Every CloudFormation element records the stack trace of its creation (for the CLI's deploy errors), each frame
 * mapped through jest's source maps: about 4 s of CPU per run. Templates and findings do not depend on it.
 */
const NO_CREATION_STACKS = { 'aws:cdk:disable-creation-stack-traces': true };

/**
 * An App with cdk.json's feature flags, so test templates equal `cdk synth`'s. CloudFormation schema validation
 * (seconds per synth) runs only where a test asks for it: the gate tests, and every `cdk synth`.
 */
export function testApp(context: Record<string, unknown> = {}, options: { schemaValidation?: boolean } = {}): App {
  return new App({
    context: { ...CDK_JSON_CONTEXT, ...NO_ASSET_STAGING, ...NO_CREATION_STACKS, ...context },
    builtinCloudFormationValidation: options.schemaValidation ?? false,
    treeMetadata: false,
    // Construct metadata would record where each construct was made: a stack trace per construct, mapped through
    // jest's source maps (seconds per run); templates and findings do not depend on it.
    stackTraces: false,
  });
}

/** The configuration `cdk synth -c …` would build, independent of the caller's AWS environment variables. */
export function testConfig(context: Record<string, unknown> = {}): PlatformConfig {
  return loadPlatformConfig((key) => context[key], REFERENCE_CATALOGUE, {});
}

/** The whole platform in a fresh app, built the way bin/ builds it; `edge` changes the profile's edge slice (validated). */
export function buildPlatform(
  context: Record<string, unknown> = {},
  options: { schemaValidation?: boolean; edge?: Partial<EdgeConfig> } = {},
): { app: App; platform: Platform; config: PlatformConfig } {
  const app = testApp(context, options);
  const loaded = testConfig(context);
  const config = options.edge
    ? validatePlatformConfig({ ...loaded, edge: { ...loaded.edge, ...options.edge } }, REFERENCE_CATALOGUE)
    : loaded;
  const platform = createPlatform(app, config, REFERENCE_CATALOGUE);
  return { app, platform, config };
}

/** A Route 53 public zone for tests: prod needs one (API Gateway verifies the ingress certificate against public CAs). */
export const TEST_DOMAIN = { domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' } as const;

/** `-c profile=prod` with the domain prod requires. */
export const PROD_CONTEXT: Readonly<Record<string, unknown>> = {
  profile: 'prod',
  ...TEST_DOMAIN,
  adminRoleArns: 'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformAdmin_0123456789abcdef',
};

/** A digest per catalogue service (`-c imageDigests=…`), so prod synthesizes its Workloads stack too. */
export const TEST_IMAGE_DIGESTS = `orders=sha256:${'1'.repeat(64)},inventory=sha256:${'2'.repeat(64)}`;

/** A view team as an operator configures it for prod (`-c teams=…`): prod has no sample team of its own. */
export const TEST_PROD_TEAMS = JSON.stringify([{ name: 'audit', access: 'view', roleArns: ['arn:aws:iam::111111111111:role/Auditor'] }]);

/**
 * Every configuration the platform supports, as context: deploy-time and shutdown rules and the entry-point
 * enforcements are checked over each. Prod and native mode carry digests, so their workloads (and native mode's
 * edge proxy, the load balancer's target) render; prod has a view team, the others dev's sample edit team.
 */
export const SUPPORTED_CONFIGURATIONS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  dev: {},
  prod: { ...PROD_CONTEXT, imageDigests: TEST_IMAGE_DIGESTS, teams: TEST_PROD_TEAMS },
  'native mTLS': { mtls: 'native', imageDigests: `${TEST_IMAGE_DIGESTS},ingress-gateway=sha256:${'3'.repeat(64)}` },
  'isolated egress': { egress: 'isolated' },
};

/**
 * Client developers' applications as an operator would configure them (valid in dev and prod): `partner-a` requires its
 * key on the orders routes and GET /inventory/{sku}; `stock-sync` has a key it need not send yet, so PUT /inventory/{sku}
 * stays keyless.
 */
export const TEST_API_CLIENTS: readonly ApiClientConfig[] = [
  {
    name: 'partner-a',
    scopes: ['orders/read', 'orders/write', 'inventory/read'],
    rateLimit: 5,
    burstLimit: 10,
    quota: { limit: 10_000, period: 'day' },
  },
  {
    name: 'stock-sync',
    scopes: ['inventory/write'],
    rateLimit: 2,
    burstLimit: 4,
    quota: { limit: 100_000, period: 'month' },
    requireKey: false,
  },
];

/**
 * Single sign-on through one provider of each kind, both mapping a group claim to the catalogue's roles: Microsoft
 * Entra ID over OIDC (client secret in Secrets Manager) and Okta over SAML.
 */
export const TEST_IDENTITY_PROVIDERS: readonly IdentityProviderConfig[] = [
  {
    type: 'oidc',
    name: 'entra',
    issuerUrl: 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/v2.0',
    clientId: '00000000-0000-4000-8000-000000000002',
    clientSecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:platform/entra-client-AbCdEf',
    clientSecretField: 'clientSecret',
    groupsClaim: 'groups',
    groupMapping: { '00000000-0000-4000-8000-00000000000a': ['orders-writers'], '00000000-0000-4000-8000-00000000000b': ['admins'] },
  },
  {
    type: 'saml',
    name: 'okta',
    metadataUrl: 'https://example.okta.com/app/exk0000000000000000/sso/saml/metadata',
    attributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
    groupsClaim: 'groups',
    groupMapping: { 'Order desk': ['orders-readers', 'inventory-readers'] },
  },
];
