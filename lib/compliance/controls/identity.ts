import { containers, envValue, text } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

const TOKEN_VALIDITY_UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };
/** A user pool client's access-token lifetime; CloudFormation counts it in hours unless TokenValidityUnits says otherwise. */
const accessTokenSeconds = (p: Record<string, any>) =>
  (p.AccessTokenValidity ?? 1) * TOKEN_VALIDITY_UNIT_SECONDS[p.TokenValidityUnits?.AccessToken ?? 'hours'];

export const IDENTITY_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'IDN-1',
    title: 'User pool: administrators create users (no self sign-up); 14-character passwords with all four character classes',
    category: 'identity',
    nist: ['IA-5(1)', 'AC-2'],
    implementedIn: ['lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/edge/platform-identity.test.ts', test: 'strong password policy: 14 characters' },
    gateRules: ['COG1'],
    evidence: adminCreatedUsersWithStrongPasswords,
  },
  {
    id: 'IDN-2',
    title:
      'OAuth clients: machine client uses client credentials only; user client uses authorization code with PKCE, no secret, no implicit or password flows',
    category: 'identity',
    nist: ['IA-2', 'IA-5', 'IA-8'],
    implementedIn: ['lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/edge/platform-identity.test.ts', test: 'user client: authorization code (PKCE, public client) only' },
    evidence: oauthClientsUseSafeFlows,
  },
  {
    id: 'IDN-3',
    title: 'Identity pool: no guest access, enhanced flow only, tokens checked server-side, one authenticated role',
    category: 'identity',
    nist: ['AC-14', 'IA-2', 'AC-6'],
    implementedIn: ['lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/edge/platform-identity.test.ts', test: 'no guest access, enhanced flow only' },
    evidence: identityPoolAuthenticatedOnly,
  },
  {
    id: 'IDN-4',
    title: 'Service roles are assumable only by EKS Pod Identity, for this account and this cluster',
    category: 'identity',
    nist: ['AC-6', 'IA-9'],
    implementedIn: ['lib/constructs/pod-identity-role.ts'],
    provenBy: { file: 'test/evidence/least-privilege.test.ts', test: 'each role trusts Pod Identity only for the platform cluster' },
    evidence: serviceRolesTrustPodIdentityOnly,
  },
  {
    id: 'IDN-5',
    title: 'Services refuse access tokens without exp or iat, issued in the future, or living longer than the pool issues them',
    category: 'identity',
    nist: ['IA-5', 'IA-2', 'AC-12'],
    implementedIn: ['services/shared/src/auth/claims-policy.ts', 'lib/workloads.ts'],
    provenBy: { file: 'services/shared/test/access-token-authenticator.test.ts', test: 'refuses a token %s with 401 invalid_token' },
    evidence: servicesRejectLongLivedTokens,
  },
  {
    id: 'IDN-6',
    title:
      "Object-level authorization: a caller reaches only its own orders (another's is answered as unknown); the admin scope " +
      'that reaches every order is defined in the catalogue and granted to no default app client',
    category: 'identity',
    nist: ['AC-3', 'AC-6', 'AC-6(1)'],
    implementedIn: [
      'services/orders/src/orders-routes.ts',
      'services/orders/src/dynamo-order-store.ts',
      'lib/constructs/platform-identity.ts',
    ],
    provenBy: { file: 'services/orders/test/order-ownership.test.ts', test: 'another subject gets exactly the reply to an id nobody uses' },
    evidence: adminScopeGrantedToNoClient,
  },
  {
    id: 'IDN-7',
    title: 'No identity may pass an arbitrary role: every iam:PassRole names its roles and the service they go to',
    category: 'identity',
    nist: ['AC-6', 'AC-6(10)'],
    implementedIn: ['lib/constructs/karpenter.ts'],
    provenBy: { file: 'test/cluster/karpenter.test.ts', test: 'must-deny cases are denied' },
    gateRules: ['IAM5'],
    evidence: passRoleNamesRoles,
  },
];

export function adminCreatedUsersWithStrongPasswords({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::Cognito::UserPool',
    (p) =>
      p.AdminCreateUserConfig?.AllowAdminCreateUserOnly === true &&
      p.Policies?.PasswordPolicy?.MinimumLength >= 14 &&
      ['RequireLowercase', 'RequireUppercase', 'RequireNumbers', 'RequireSymbols'].every((k) => p.Policies.PasswordPolicy[k] === true),
  );
}

export function oauthClientsUseSafeFlows({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::Cognito::UserPoolClient',
    (p) =>
      (p.AllowedOAuthFlows ?? []).every((f: string) => f === 'client_credentials' || f === 'code') &&
      (p.ExplicitAuthFlows ?? []).every((f: string) => f === 'ALLOW_REFRESH_TOKEN_AUTH') &&
      (!(p.AllowedOAuthFlows ?? []).includes('code') || p.GenerateSecret !== true),
  );
}

export function identityPoolAuthenticatedOnly({ assembly }: ControlEvidence): boolean {
  return (
    assembly.every(
      'AWS::Cognito::IdentityPool',
      (p) =>
        p.AllowUnauthenticatedIdentities === false &&
        p.AllowClassicFlow === false &&
        (p.CognitoIdentityProviders ?? []).every((idp: any) => idp.ServerSideTokenCheck === true),
    ) && assembly.every('AWS::Cognito::IdentityPoolRoleAttachment', (p) => p.Roles?.unauthenticated === undefined)
  );
}

export function serviceRolesTrustPodIdentityOnly({ assembly }: ControlEvidence): boolean {
  const podRoles = assembly
    .ofType('AWS::IAM::Role')
    .filter((r) => r.stack === 'Data' && text(r.properties.AssumeRolePolicyDocument).includes('pods.eks.amazonaws.com'));
  return (
    podRoles.length > 0 &&
    podRoles.every((r) =>
      r.properties.AssumeRolePolicyDocument.Statement.every(
        (s: any) =>
          s.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined && s.Condition?.ArnEquals?.['aws:SourceArn'] !== undefined,
      ),
    )
  );
}

export function servicesRejectLongLivedTokens({ assembly, manifests }: ControlEvidence): boolean {
  const issued = assembly.ofType('AWS::Cognito::UserPoolClient').map((c) => accessTokenSeconds(c.properties));
  const limits = containers(manifests).map((c) => Number(envValue(c, 'COGNITO_MAX_TOKEN_LIFETIME_SECONDS')));
  return issued.length > 0 && limits.length > 0 && limits.every((limit) => limit > 0 && issued.every((seconds) => limit <= seconds));
}

export function adminScopeGrantedToNoClient({ assembly, catalogue }: ControlEvidence): boolean {
  const admin = catalogue.services.flatMap((s) => (s.adminScope === undefined ? [] : [{ server: s.name, scope: s.adminScope }]));
  return (
    admin.length > 0 &&
    admin.every(({ server, scope }) =>
      assembly.some(
        'AWS::Cognito::UserPoolResourceServer',
        (p) => p.Identifier === server && (p.Scopes ?? []).some((x: any) => x.ScopeName === scope),
      ),
    ) &&
    assembly.every('AWS::Cognito::UserPoolClient', (p) => admin.every(({ scope }) => !text(p.AllowedOAuthScopes).includes(`/${scope}"`)))
  );
}

export function passRoleNamesRoles({ assembly }: ControlEvidence): boolean {
  const statements = [...assembly.ofType('AWS::IAM::ManagedPolicy'), ...assembly.ofType('AWS::IAM::Policy')].flatMap(
    (policy) => policy.properties.PolicyDocument?.Statement ?? [],
  );
  const passRole = statements.filter(
    (s: any) => s.Effect === 'Allow' && [s.Action].flat().some((a: string) => ['iam:PassRole', 'iam:*', '*'].includes(a)),
  );
  return (
    passRole.length > 0 &&
    passRole.every(
      (s: any) =>
        ![s.Resource].flat().some((r: unknown) => typeof r === 'string' && r.includes('*')) &&
        s.Condition?.StringEquals?.['iam:PassedToService'] !== undefined,
    )
  );
}
