import { Match, Template } from 'aws-cdk-lib/assertions';
import { adminScopes, definedScopes, SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { buildEdge, grantedScopes } from './edge-fixture';
import { PROD_CONTEXT } from '../support/platform-fixture';

let dev: Template;
let prod: Template;
beforeAll(() => {
  dev = Template.fromStack(buildEdge().edge);
  prod = Template.fromStack(buildEdge({ context: PROD_CONTEXT }).edge);
});

const userPool = (template: Template) => Object.values(template.findResources('AWS::Cognito::UserPool'))[0].Properties;

describe('user pool', () => {
  test('admins create users: no self sign-up', () => {
    expect(userPool(dev).AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
  });

  test('strong password policy: 14 characters, all four character classes', () => {
    expect(userPool(dev).Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
  });

  test('MFA with TOTP only: required in prod, optional in dev', () => {
    expect(userPool(prod).MfaConfiguration).toBe('ON');
    expect(userPool(dev).MfaConfiguration).toBe('OPTIONAL');
    expect(userPool(prod).EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  test('threat protection enforced in prod (Plus tier), off in dev', () => {
    expect(userPool(prod).UserPoolTier).toBe('PLUS');
    expect(userPool(prod).UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(userPool(dev).UserPoolAddOns).toBeUndefined();
  });

  test('e-mail is verified and the only recovery channel', () => {
    expect(userPool(dev).AutoVerifiedAttributes).toEqual(['email']);
    expect(userPool(dev).AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] });
  });

  test('deletion protection and retention in prod only', () => {
    expect(userPool(prod).DeletionProtection).toBe('ACTIVE');
    expect(userPool(dev).DeletionProtection).toBe('INACTIVE');
    prod.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
    dev.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
  });
});

describe('resource servers and clients', () => {
  test('one resource server per service, one scope per service action, as the catalogue defines them', () => {
    const servers = Object.values(dev.findResources('AWS::Cognito::UserPoolResourceServer')).map((r) => r.Properties);
    const scopes = servers.flatMap((s) => s.Scopes.map((scope: { ScopeName: string }) => `${s.Identifier}/${scope.ScopeName}`));
    expect(servers.map((s) => s.Identifier).sort()).toEqual(SERVICE_CATALOGUE.services.map((s) => s.name).sort());
    expect(new Set(scopes)).toEqual(definedScopes(SERVICE_CATALOGUE));
  });

  const clients = (template: Template) => Object.values(template.findResources('AWS::Cognito::UserPoolClient')).map((r) => r.Properties);
  const defaultClientScopes = [...definedScopes(SERVICE_CATALOGUE)].filter((scope) => !adminScopes(SERVICE_CATALOGUE).has(scope));

  test('admin scopes are defined on the resource servers and granted to neither client: granting one is an operator decision', () => {
    const admin = [...adminScopes(SERVICE_CATALOGUE)];
    expect(admin).toContain('orders/admin');
    const servers = Object.values(dev.findResources('AWS::Cognito::UserPoolResourceServer')).map((r) => r.Properties);
    const defined = servers.flatMap((s) => s.Scopes.map((scope: { ScopeName: string }) => `${s.Identifier}/${scope.ScopeName}`));
    expect(defined).toEqual(expect.arrayContaining(admin));
    expect(clients(dev)).toHaveLength(2);
    for (const granted of clients(dev).map((client) => grantedScopes(dev, client))) {
      for (const scope of admin) expect(granted).not.toContain(scope);
    }
  });

  test('machine client: client credentials only, with a secret, every API scope but the admin scopes', () => {
    const machine = clients(dev).find((c) => c.GenerateSecret === true);
    expect(machine).toMatchObject({
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
    expect(grantedScopes(dev, machine).sort()).toEqual(defaultClientScopes.sort());
  });

  test('user client: authorization code (PKCE, public client) only, no implicit flow, no secret, no password flows', () => {
    const user = clients(dev).find((c) => c.GenerateSecret === false);
    expect(user.AllowedOAuthFlows).toEqual(['code']);
    expect(user.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    // No API scope: a user token's API scopes come from the user's groups alone (see "user roles" below).
    expect(grantedScopes(dev, user).sort()).toEqual(['email', 'openid']);
    expect(user.CallbackURLs).toEqual(['http://localhost:8080/callback']);
  });

  test('token validity is deliberate: 15-minute access and ID tokens, 12-hour refresh, revocation on', () => {
    for (const client of clients(dev)) {
      expect(client).toMatchObject({
        AccessTokenValidity: 15,
        IdTokenValidity: 15,
        RefreshTokenValidity: 720,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      });
    }
  });

  test('a hosted domain serves the token endpoint', () => {
    dev.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });
});

describe('identity pool', () => {
  test('no guest access, enhanced flow only, tokens checked server-side', () => {
    dev.hasResourceProperties('AWS::Cognito::IdentityPool', {
      AllowUnauthenticatedIdentities: false,
      AllowClassicFlow: false,
      CognitoIdentityProviders: [Match.objectLike({ ServerSideTokenCheck: true })],
    });
  });

  test('only an authenticated role exists: no unauthenticated role', () => {
    const attachment = Object.values(dev.findResources('AWS::Cognito::IdentityPoolRoleAttachment'))[0].Properties;
    expect(Object.keys(attachment.Roles)).toEqual(['authenticated']);
    const federated = Object.values(dev.findResources('AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('cognito-identity.amazonaws.com'),
    );
    expect(federated).toHaveLength(1);
  });

  test('the role trusts cognito-identity with aud and amr conditions', () => {
    dev.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: 'cognito-identity.amazonaws.com' },
            Condition: {
              StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: Match.stringLikeRegexp('IdentityPool') } },
              'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
            },
          },
        ],
      },
    });
  });

  test('the edge grants the role nothing: its data access is granted beside the bucket, in the data stack', () => {
    const role = Object.keys(
      dev.findResources('AWS::IAM::Role', {
        Properties: {
          AssumeRolePolicyDocument: Match.objectLike({
            Statement: [Match.objectLike({ Principal: { Federated: 'cognito-identity.amazonaws.com' } })],
          }),
        },
      }),
    );
    expect(role).toHaveLength(1);
    const policies = [
      ...Object.values(dev.findResources('AWS::IAM::ManagedPolicy')),
      ...Object.values(dev.findResources('AWS::IAM::Policy')),
    ];
    expect(policies.filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes(role[0]))).toEqual([]);
  });
});
