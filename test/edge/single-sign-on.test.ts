import { Template } from 'aws-cdk-lib/assertions';
import { federationOnUserClientsOnly } from '../../lib/compliance/controls/identity';
import { AssemblyView } from '../../lib/evidence/assembly-view';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { EdgeConfig, IdentityProviderConfig, UserGroupConfig } from '../../lib/config';
import { IDP_GROUPS_ATTRIBUTE, TOKEN_SCOPES_ENV } from '../../lib/private/token-scopes-trigger';
import { configProblems, DEV_DEFAULTS, sliceProblems } from '../support/config-problems';
import { TEST_IDENTITY_PROVIDERS } from '../support/platform-fixture';
import { buildEdge } from './edge-fixture';

const edgeProblems = (edge: Partial<EdgeConfig>) => sliceProblems('edge', edge);
const [ENTRA, OKTA] = TEST_IDENTITY_PROVIDERS as [IdentityProviderConfig & { type: 'oidc' }, IdentityProviderConfig & { type: 'saml' }];
const SECRET_ARN = ENTRA.clientSecretArn;

describe('bad roles or identity providers stop synth with one line naming the field, the value and the fix', () => {
  test.each<[string, Partial<EdgeConfig>, string]>([
    [
      'a group granting a scope the catalogue does not define',
      { userGroups: [{ name: 'auditors', scopes: ['orders/read', 'orders/audit'] }] },
      'invalid config edge.userGroups[0].scopes="orders/audit": use a scope the catalogue defines',
    ],
    [
      'a group granting an admin scope without admin: true',
      { userGroups: [{ name: 'support', scopes: ['orders/read', 'orders/admin'] }] },
      'invalid config edge.userGroups[0].scopes="orders/admin": an admin scope reaches every subject\'s resources: grant it deliberately with admin: true',
    ],
    [
      'admin: true without an admin scope',
      { userGroups: [{ name: 'support', scopes: ['orders/read'], admin: true }] },
      'invalid config edge.userGroups[0].admin=true: no admin scope is in scopes',
    ],
    [
      'a group whose scopes open no route',
      { userGroups: [{ name: 'support', scopes: ['orders/admin'], admin: true }] },
      'invalid config edge.userGroups[0].scopes=["orders/admin"]: list a scope that opens a public route',
    ],
    [
      'a group name Cognito tokens would carry badly',
      { userGroups: [{ name: 'Order Desk', scopes: ['orders/read'] }] },
      'invalid config edge.userGroups[0].name="Order Desk": use 2 to 64 lowercase letters',
    ],
    [
      'two groups of one name',
      {
        userGroups: [
          { name: 'desk', scopes: ['orders/read'] },
          { name: 'desk', scopes: ['inventory/read'] },
        ],
      },
      'invalid config edge.userGroups[1].name="desk": edge.userGroups[0] has the same name: rename one',
    ],
    [
      'an OIDC provider without an issuer',
      { identityProviders: [{ ...ENTRA, issuerUrl: undefined as unknown as string }] },
      "invalid config edge.identityProviders[0].issuerUrl=undefined: set the provider's issuer, an https URL",
    ],
    [
      'an OIDC issuer over plain HTTP',
      { identityProviders: [{ ...ENTRA, issuerUrl: 'http://login.example.com' }] },
      'invalid config edge.identityProviders[0].issuerUrl="http://login.example.com": set the provider\'s issuer, an https URL',
    ],
    [
      'a client secret given as the secret itself',
      { identityProviders: [{ ...ENTRA, clientSecretArn: 's3cr3t-value' }] },
      'invalid config edge.identityProviders[0].clientSecretArn="s3cr3t-value": store the client secret in Secrets Manager in ' +
        "us-east-1 and give the secret's ARN",
    ],
    [
      'a client secret in another region',
      { identityProviders: [{ ...ENTRA, clientSecretArn: SECRET_ARN.replace('us-east-1', 'eu-west-1') }] },
      'invalid config edge.identityProviders[0].clientSecretArn="arn:aws:secretsmanager:eu-west-1:',
    ],
    [
      'a group claim mapped to a group that does not exist',
      { identityProviders: [{ ...ENTRA, groupMapping: { 'g-1': ['order-writers'] } }] },
      'invalid config edge.identityProviders[0].groupMapping["g-1"]="order-writers": map to a group of edge.userGroups ' +
        '(orders-readers, orders-writers, inventory-readers, inventory-writers, admins), or add that group there',
    ],
    [
      'a group mapping without the claim it reads',
      { identityProviders: [{ ...OKTA, groupsClaim: undefined }] },
      'invalid config edge.identityProviders[0].groupMapping=["Order desk"]: set groupsClaim',
    ],
    [
      'a SAML provider without metadata',
      { identityProviders: [{ ...OKTA, metadataUrl: '' }] },
      'invalid config edge.identityProviders[0].metadataUrl="": set the https URL',
    ],
    [
      'a provider named like a Cognito reserved provider',
      { identityProviders: [{ ...OKTA, name: 'Google' }] },
      'invalid config edge.identityProviders[0].name="Google": use 3 to 32 letters',
    ],
    [
      'an OIDC provider not asked for openid',
      { identityProviders: [{ ...ENTRA, scopes: ['email'] }] },
      'invalid config edge.identityProviders[0].scopes=["email"]: include \'openid\'',
    ],
  ])('%s', (_name, edge, expected) => {
    const messages = edgeProblems(edge);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n/);
  });

  test('too many groups for the trigger environment is a config error, not a failed deploy', () => {
    const userGroups: UserGroupConfig[] = Array.from({ length: 80 }, (_, i) => ({
      name: `group-${i}`,
      scopes: ['orders/read', 'orders/write', 'inventory/read'],
    }));
    expect(edgeProblems({ userGroups }).join('\n')).toMatch(/invalid config edge\.userGroups="80 groups": .* Lambda limits to 4 KB/);
  });

  test('the shipped profiles and the test providers are valid', () => {
    expect(configProblems(() => DEV_DEFAULTS)).toEqual([]);
    expect(edgeProblems({ identityProviders: TEST_IDENTITY_PROVIDERS })).toEqual([]);
  });
});

describe('identity providers on the user pool', () => {
  let template: Template;
  let resources: Record<string, any>;
  let assembly: AssemblyView;
  beforeAll(() => {
    const { app, edge } = buildEdge({ edge: { identityProviders: TEST_IDENTITY_PROVIDERS } });
    template = Template.fromStack(edge);
    resources = template.toJSON().Resources;
    assembly = new AssemblyView(app.synth());
  });
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  test('OIDC: issuer, client id, scopes, and the client secret as a Secrets Manager reference resolved at deploy time', () => {
    const [, oidc] = ofType('AWS::Cognito::UserPoolIdentityProvider').find(([, r]) => r.Properties.ProviderType === 'OIDC')!;
    expect(oidc.Properties).toMatchObject({
      ProviderName: 'entra',
      ProviderDetails: {
        oidc_issuer: ENTRA.issuerUrl,
        client_id: ENTRA.clientId,
        client_secret: `{{resolve:secretsmanager:${SECRET_ARN}:SecretString:clientSecret::}}`,
        authorize_scopes: 'openid email profile',
      },
      AttributeMapping: { email: 'email', [IDP_GROUPS_ATTRIBUTE]: 'groups' },
    });
  });

  test('SAML: the metadata URL and its attribute mapping', () => {
    const [, saml] = ofType('AWS::Cognito::UserPoolIdentityProvider').find(([, r]) => r.Properties.ProviderType === 'SAML')!;
    expect(saml.Properties).toMatchObject({
      ProviderName: 'okta',
      ProviderDetails: { MetadataURL: OKTA.metadataUrl },
      AttributeMapping: { ...OKTA.attributeMapping, [IDP_GROUPS_ATTRIBUTE]: 'groups' },
    });
  });

  test('the hosted sign-in of the user client offers them, after they exist; machine clients offer only the pool', () => {
    const providerIds = ofType('AWS::Cognito::UserPoolIdentityProvider').map(([id]) => id);
    const [, user] = ofType('AWS::Cognito::UserPoolClient').find(([, r]) => r.Properties.GenerateSecret === false)!;
    expect(user.Properties.SupportedIdentityProviders).toEqual(['COGNITO', 'entra', 'okta']);
    expect(user.DependsOn).toEqual(expect.arrayContaining(providerIds));
    for (const [, machine] of ofType('AWS::Cognito::UserPoolClient').filter(([, r]) => r.Properties.GenerateSecret === true)) {
      expect(machine.Properties.SupportedIdentityProviders).toEqual(['COGNITO']);
    }
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  test('group claims land in a mutable custom attribute the trigger maps, per provider, to configured groups', () => {
    const [, pool] = ofType('AWS::Cognito::UserPool')[0];
    expect(pool.Properties.Schema).toEqual([
      expect.objectContaining({ Name: IDP_GROUPS_ATTRIBUTE.replace('custom:', ''), AttributeDataType: 'String', Mutable: true }),
    ]);
    const [, trigger] = ofType('AWS::Lambda::Function').find(
      ([, r]) => r.Properties.Environment?.Variables?.[TOKEN_SCOPES_ENV.providerGroups],
    )!;
    expect(JSON.parse(trigger.Properties.Environment.Variables[TOKEN_SCOPES_ENV.providerGroups])).toEqual({
      entra: ENTRA.groupMapping,
      okta: OKTA.groupMapping,
    });
  });

  test('without providers the pool has no custom attribute and the user client offers the pool alone', () => {
    const plain = Template.fromStack(buildEdge().edge).toJSON().Resources;
    const pool = Object.values<any>(plain).find((r) => r.Type === 'AWS::Cognito::UserPool');
    expect(pool.Properties.Schema).toBeUndefined();
    const user = Object.values<any>(plain).find((r) => r.Type === 'AWS::Cognito::UserPoolClient' && r.Properties.GenerateSecret === false);
    expect(user.Properties.SupportedIdentityProviders).toEqual(['COGNITO']);
  });

  test('IDN-8 holds with both providers, and fails once a client secret is written into the template', () => {
    const evidence = { assembly, manifests: [], profile: 'dev', catalogue: REFERENCE_CATALOGUE };
    expect(federationOnUserClientsOnly(evidence)).toBe(true);
    const templates = structuredClone(assembly.templates);
    const oidc = Object.values<any>(templates.Edge.Resources).find(
      (r) => r.Type === 'AWS::Cognito::UserPoolIdentityProvider' && r.Properties.ProviderType === 'OIDC',
    );
    oidc.Properties.ProviderDetails.client_secret = 's3cr3t-value';
    expect(federationOnUserClientsOnly({ ...evidence, assembly: assembly.withTemplates(templates) })).toBe(false);
  });
});
