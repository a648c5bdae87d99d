import { catalogueUserGroups } from '../../lib/config';
import { tokenScopesTriggerCode } from '../../lib/constructs/user-groups';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { applyGroupScopes, GroupScopes, IDP_GROUPS_ATTRIBUTE, ProviderGroups } from '../../lib/private/token-scopes-trigger';
import { synthesizedConfiguration } from '../support/synthesized-configurations';
import { deployedTokenTrigger, DeployedTokenTrigger, edgeTemplate, tokenEvent, tokenScopes } from '../support/token-trigger';

/** The catalogue's roles, scopes sorted as the trigger's environment holds them. */
const GRANTS: GroupScopes = Object.fromEntries(catalogueUserGroups(SERVICE_CATALOGUE).map((g) => [g.name, [...g.scopes].sort()]));
const PROVIDERS: ProviderGroups = { entra: { 'grp-sales': ['orders-writers'], 'grp-support': ['admins'] } };
const federated = (provider: string, claim: string) => ({
  identities: JSON.stringify([{ providerName: provider, providerType: 'OIDC', userId: 'abc', primary: 'true' }]),
  [IDP_GROUPS_ATTRIBUTE]: claim,
});
const scopesOf = (groups: readonly string[], options?: Parameters<typeof tokenEvent>[1], providers: ProviderGroups = PROVIDERS) =>
  tokenScopes(applyGroupScopes(tokenEvent(groups, options), GRANTS, providers));

describe('the catalogue roles', () => {
  test('readers and writers per service, admins with the admin scope; writers can read the peers they call', () => {
    expect(GRANTS).toEqual({
      'orders-readers': ['orders/read'],
      'orders-writers': ['inventory/read', 'orders/read', 'orders/write'],
      'inventory-readers': ['inventory/read'],
      'inventory-writers': ['inventory/read', 'inventory/write'],
      admins: ['orders/admin', 'orders/read'],
    });
    expect(
      catalogueUserGroups(SERVICE_CATALOGUE)
        .filter((g) => g.admin)
        .map((g) => g.name),
    ).toEqual(['admins']);
  });
});

describe('the token trigger function', () => {
  test.each(Object.keys(GRANTS))("a member of %s gets exactly the group's scopes", (group) => {
    expect(scopesOf([group])).toEqual(GRANTS[group]);
  });

  test('a user in no group, or only in groups the trigger does not know, gets no API scope', () => {
    expect(scopesOf([])).toEqual([]);
    expect(scopesOf(['hr-staff'])).toEqual([]);
  });

  test('scopes of several groups add up; OpenID scopes pass, API scopes the groups do not grant are suppressed', () => {
    expect(scopesOf(['orders-readers', 'inventory-writers'])).toEqual(['inventory/read', 'inventory/write', 'orders/read']);
    const event = applyGroupScopes(tokenEvent(['orders-readers'], { scopes: ['openid', 'orders/admin', 'orders/read'] }), GRANTS, {});
    expect(event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress).toEqual(['orders/admin']);
    expect(tokenScopes(event)).toEqual(['orders/read']);
  });

  test("the groups behind the scopes go into the token's cognito:groups", () => {
    const event = applyGroupScopes(tokenEvent(['orders-readers'], { attributes: federated('entra', '["grp-sales"]') }), GRANTS, PROVIDERS);
    expect(event.response.claimsAndScopeOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual([
      'orders-readers',
      'orders-writers',
    ]);
  });

  test.each([
    ['a JSON array', '["grp-sales"]'],
    ['a bracketed list, as Cognito stores an OIDC array claim', '[grp-other, grp-sales]'],
    ['comma-separated SAML values', 'grp-other,grp-sales'],
  ])('a federated user is placed in groups by its provider group claim, given as %s', (_form, claim) => {
    expect(scopesOf([], { attributes: federated('entra', claim) })).toEqual(GRANTS['orders-writers']);
  });

  test('the group claim counts only for the provider the user signed in through, and never for a pool user', () => {
    expect(scopesOf([], { attributes: federated('okta', '["grp-support"]') })).toEqual([]);
    expect(scopesOf([], { attributes: { [IDP_GROUPS_ATTRIBUTE]: '["grp-support"]' } })).toEqual([]);
    expect(scopesOf([], { attributes: { identities: 'not json', [IDP_GROUPS_ATTRIBUTE]: '["grp-support"]' } })).toEqual([]);
    expect(scopesOf([], { attributes: federated('entra', '["toString", "__proto__"]') })).toEqual([]);
  });
});

describe('the deployed trigger', () => {
  let deployed: DeployedTokenTrigger;
  let template: { Resources: Record<string, any> };
  beforeAll(() => {
    template = edgeTemplate(synthesizedConfiguration('dev').assembly);
    deployed = deployedTokenTrigger(template);
  });

  test('its inline code is the tested function, transpiled the same way on every synth', () => {
    expect(deployed.code).toBe(tokenScopesTriggerCode());
    expect(deployed.code).toContain('function applyGroupScopes(');
  });

  test('its environment grants what the configuration says, and its code answers as the function does', async () => {
    expect(deployed.grants).toEqual(GRANTS);
    for (const groups of [[], ...Object.keys(GRANTS).map((g) => [g]), ['orders-readers', 'inventory-writers']]) {
      const asDeployed = await deployed.handler(tokenEvent(groups, { scopes: ['openid', 'email', 'orders/admin'] }));
      const asTested = applyGroupScopes(tokenEvent(groups, { scopes: ['openid', 'email', 'orders/admin'] }), GRANTS, {});
      expect(JSON.parse(JSON.stringify(asDeployed))).toEqual(JSON.parse(JSON.stringify(asTested)));
    }
  });

  test('the pool calls it for every token, as a V2_0 event (access-token customization), on a plan that allows it', () => {
    const pool = Object.values(template.Resources).find((r) => r.Type === 'AWS::Cognito::UserPool')!.Properties;
    const [triggerId] = Object.entries(template.Resources).find(([, r]) => r.Properties?.Code?.ZipFile === deployed.code)!;
    expect(pool.LambdaConfig.PreTokenGenerationConfig).toEqual({ LambdaArn: { 'Fn::GetAtt': [triggerId, 'Arn'] }, LambdaVersion: 'V2_0' });
    expect(['ESSENTIALS', 'PLUS']).toContain(pool.UserPoolTier);
  });

  test('least privilege: its role may only write its own log group, which is encrypted and kept a year or more', () => {
    const fn = Object.values(template.Resources).find((r) => r.Properties?.Code?.ZipFile === deployed.code)!.Properties;
    expect(fn.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
    const roleId = fn.Role['Fn::GetAtt'][0];
    const policies = Object.values(template.Resources).filter(
      (r) => /^AWS::IAM::(Managed)?Policy$/.test(r.Type) && JSON.stringify(r.Properties.Roles).includes(roleId),
    );
    expect(template.Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(template.Resources[roleId].Properties.Policies).toBeUndefined();
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: expect.anything() },
    ]);
    // The policy's resource and the function's log group are outputs of the same log group of the Logging stack.
    const [statement] = policies[0].Properties.PolicyDocument.Statement;
    const logGroupOf = (output: string) => /FnGetAtt(\w+)Arn|Ref(\w+?)[0-9A-F]{8}$/.exec(output)!.slice(1).find(Boolean)!;
    const logGroupId = logGroupOf(fn.LoggingConfig.LogGroup['Fn::GetStackOutput'].OutputName);
    expect(logGroupOf(statement.Resource['Fn::GetStackOutput'].OutputName)).toBe(logGroupId);
    const logging = synthesizedConfiguration('dev').assembly.stacks.find((s) => s.stackName.endsWith('-logging'))!.template;
    const logGroup = Object.entries<any>(logging.Resources).find(([id]) => logGroupId.startsWith(id))![1].Properties;
    expect(logGroup.KmsKeyId).toBeDefined();
    expect(logGroup.RetentionInDays).toBeGreaterThanOrEqual(365);
  });

  test('one Cognito group per role', () => {
    const groups = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup');
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual(Object.keys(GRANTS).sort());
  });
});
