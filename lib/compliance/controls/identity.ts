import { TOKEN_SCOPES_ENV } from '../../private/token-scopes-trigger';
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
    title:
      "Roles for users: a user access token carries exactly the API scopes of the user's Cognito groups (a V2_0 pre token " +
      'generation trigger on the pool, Essentials or Plus plan); the user client allows no API scope, so a user in no group gets none',
    category: 'identity',
    nist: ['AC-2', 'AC-3', 'AC-6', 'AC-6(1)'],
    implementedIn: [
      'lib/constructs/user-groups.ts',
      'lib/private/token-scopes-trigger.ts',
      'lib/constructs/platform-identity.ts',
      'lib/config/user-groups.ts',
    ],
    provenBy: { file: 'test/smoke/user-roles-against-services.test.ts', test: 'each group calls exactly the routes its scopes open' },
    evidence: userTokenScopesFollowGroups,
  },
  {
    id: 'IDN-8',
    title:
      'Single sign-on: company identity providers are offered on the user client only (machine clients: the pool alone), ' +
      'each defined on the pool; users cannot rewrite their attributes (no aws.cognito.signin.user.admin scope), so the group ' +
      "claim a provider maps stays the provider's; an OIDC client secret is a Secrets Manager reference, never a template value",
    category: 'identity',
    nist: ['IA-2', 'IA-8', 'IA-5(7)', 'AC-2(1)'],
    implementedIn: ['lib/constructs/identity-providers.ts', 'lib/constructs/platform-identity.ts', 'lib/config/validate-config.ts'],
    provenBy: { file: 'test/edge/single-sign-on.test.ts', test: 'the client secret as a Secrets Manager reference' },
    evidence: federationOnUserClientsOnly,
  },
  {
    id: 'IDN-9',
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
  const statements = [
    ...[...assembly.ofType('AWS::IAM::ManagedPolicy'), ...assembly.ofType('AWS::IAM::Policy')].map((p) => p.properties.PolicyDocument),
    ...assembly.ofType('AWS::IAM::Role').flatMap((role) => (role.properties.Policies ?? []).map((p: any) => p.PolicyDocument)),
  ].flatMap((document) => document?.Statement ?? []);
  // `iam:Pass*`, `iam:*` and `*` pass roles too.
  const passesRoles = (action: string) => action === '*' || /^iam:(\*|Pass\*|PassRole)$/.test(action);
  const passRole = statements.filter((s: any) => s.Effect === 'Allow' && [s.Action].flat().some((a: string) => passesRoles(String(a))));
  return (
    passRole.length > 0 &&
    passRole.every((s: any) => !text(s.Resource).includes('*') && s.Condition?.StringEquals?.['iam:PassedToService'] !== undefined)
  );
}

/** The token trigger of a pool: the function its V2_0 pre token generation config names, with the group grants. */
function tokenTriggerOf(assembly: ControlEvidence['assembly'], stack: string, pool: Record<string, any>) {
  const config = pool.LambdaConfig?.PreTokenGenerationConfig;
  const [functionId, attribute] = config?.LambdaArn?.['Fn::GetAtt'] ?? [];
  if (config?.LambdaVersion !== 'V2_0' || attribute !== 'Arn') return undefined;
  const trigger = assembly.resources.find((r) => r.stack === stack && r.logicalId === functionId && r.type === 'AWS::Lambda::Function');
  const grants = trigger?.properties.Environment?.Variables?.[TOKEN_SCOPES_ENV.groupScopes];
  return typeof grants === 'string' ? (JSON.parse(grants) as Record<string, string[]>) : undefined;
}

export function userTokenScopesFollowGroups({ assembly }: ControlEvidence): boolean {
  const pools = assembly.ofType('AWS::Cognito::UserPool');
  const groups = new Set(assembly.ofType('AWS::Cognito::UserPoolGroup').map((g) => g.properties.GroupName));
  return (
    pools.length > 0 &&
    pools.every((pool) => {
      const grants = tokenTriggerOf(assembly, pool.stack, pool.properties);
      return (
        grants !== undefined &&
        ['ESSENTIALS', 'PLUS'].includes(pool.properties.UserPoolTier) &&
        Object.keys(grants).every((group) => groups.has(group))
      );
    }) &&
    // Authorization-code clients (people) allow OpenID scopes only: API scopes are resource-server joins, never plain names.
    assembly.every('AWS::Cognito::UserPoolClient', (p) =>
      !(p.AllowedOAuthFlows ?? []).includes('code')
        ? true
        : (p.AllowedOAuthScopes ?? []).every((scope: unknown) => typeof scope === 'string' && !scope.includes('/')),
    )
  );
}

/** The scope that lets a token's holder call UpdateUserAttributes on themselves. */
const SELF_SERVICE_SCOPE = 'aws.cognito.signin.user.admin';

export function federationOnUserClientsOnly({ assembly }: ControlEvidence): boolean {
  const providers = new Set(assembly.ofType('AWS::Cognito::UserPoolIdentityProvider').map((p) => p.properties.ProviderName));
  return (
    assembly.every('AWS::Cognito::UserPoolClient', (p) => {
      const offered: unknown[] = p.SupportedIdentityProviders ?? [];
      return (p.AllowedOAuthFlows ?? []).includes('code')
        ? offered.every((name) => name === 'COGNITO' || providers.has(name)) && !(p.AllowedOAuthScopes ?? []).includes(SELF_SERVICE_SCOPE)
        : text(offered) === text(['COGNITO']);
    }) &&
    assembly
      .ofType('AWS::Cognito::UserPoolIdentityProvider')
      .filter((p) => p.properties.ProviderType === 'OIDC')
      .every((p) => /^\{\{resolve:secretsmanager:arn:[^}]+\}\}$/.test(String(p.properties.ProviderDetails?.client_secret)))
  );
}
