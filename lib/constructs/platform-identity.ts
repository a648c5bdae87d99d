import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { adminScopes, qualifiedScope, ServiceCatalogue } from '../catalogue/service-catalogue';
import { IdentityProviderDefinition, IdentityProviders, providerGroupMappings } from './identity-providers';
import { UserGroupDefinition, UserGroups } from './user-groups';

/** Where a signed-in user may read and write in the shared data bucket: a prefix only they can reach. */
export const USER_DATA_PREFIX = 'users/${cognito-identity.amazonaws.com:sub}/';

/** Token lifetimes: short access tokens bound the damage of a leaked token, revocation covers refresh tokens. */
export const TOKEN_VALIDITY = {
  access: Duration.minutes(15),
  id: Duration.minutes(15),
  /** Users sign in again after a working day; refresh tokens rotate and can be revoked. */
  refresh: Duration.hours(12),
} as const;

export interface PlatformIdentityProps {
  /** The services whose resource servers and scopes the pool defines. */
  readonly catalogue: ServiceCatalogue;
  /** Prefix of the Cognito-hosted domain that serves `/oauth2/token` and `/oauth2/authorize`; unique per region. */
  readonly domainPrefix: string;
  /** MFA for users: `required` in prod; `optional` lets dev users enrol TOTP. @default 'required' */
  readonly mfa?: 'required' | 'optional';
  /**
   * Threat protection (adaptive authentication, compromised-credential checks) in enforced mode, which needs
   * the Plus feature plan. @default true
   */
  readonly threatProtection?: boolean;
  /** Keep the user pool when the stack is deleted, and refuse deletion while it exists (users are data). @default true */
  readonly retain?: boolean;
  /**
   * Redirect URIs of the user (browser or mobile) client. Authorization codes go only here, and PKCE binds each
   * code to the client that asked for it.
   * @default ['http://localhost:8080/callback'] - a loopback address (RFC 8252) for local development only
   */
  readonly callbackUrls?: readonly string[];
  /**
   * The roles of users: Cognito groups and the scopes each grants. A user's access token carries exactly the scopes
   * of their groups (UserGroups' pre token generation trigger); the user client itself allows no API scope.
   * @default [] - no group: no user token carries an API scope
   */
  readonly groups?: readonly UserGroupDefinition[];
  /** Company identity providers (OIDC, SAML) the hosted sign-in page offers beside the pool's own users. @default [] */
  readonly identityProviders?: readonly IdentityProviderDefinition[];
  /** Where the token trigger logs: encrypted, with retention (CentralLogging.createLogGroup). */
  readonly tokenTriggerLogGroup: logs.ILogGroup;
}

/**
 * Who callers are: a Cognito user pool (no self sign-up, strong passwords, MFA, threat protection), one resource
 * server per catalogue service with its scopes, a machine client (client credentials) and a public user client
 * (authorization code + PKCE) whose users' API scopes come from their groups (UserGroups), optionally single sign-on
 * through company identity providers, and an identity pool whose only role is for signed-in users. Client developers'
 * applications get machine clients of their own with `addMachineClient`.
 */
export class PlatformIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  /** Resource servers by service name. */
  readonly resourceServers: ReadonlyMap<string, cognito.UserPoolResourceServer>;
  /** Every scope the resource servers define, keyed `<service>/<scope>` as tokens carry it. */
  readonly scopes: ReadonlyMap<string, cognito.OAuthScope>;
  /** Client credentials grant, for services and batch jobs; has a secret, never ships to a browser. */
  readonly machineClient: cognito.UserPoolClient;
  /** Authorization code grant with PKCE, for people; a public client without a secret. */
  readonly userClient: cognito.UserPoolClient;
  readonly identityPool: cognito.CfnIdentityPool;
  /** The one role of the identity pool; there is no unauthenticated role. */
  readonly authenticatedRole: iam.Role;
  /** The users' groups and the trigger that turns them into access-token scopes. */
  readonly userGroups: UserGroups;
  /** The company identity providers the user client offers. */
  readonly identityProviders: IdentityProviders;

  constructor(scope: Construct, id: string, props: PlatformIdentityProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    const threatProtection = props.threatProtection ?? true;
    const federatedGroups = (props.identityProviders ?? []).some((provider) => provider.groupsClaim !== undefined);

    this.userPool = new cognito.UserPool(this, 'Resource', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: (props.mfa ?? 'required') === 'required' ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      // TOTP only: SMS codes can be intercepted (SIM swap) and need an SNS role.
      mfaSecondFactor: { otp: true, sms: false },
      // Where identity providers send group claims; mutable, as Cognito rewrites mapped attributes at every sign-in.
      customAttributes: federatedGroups ? { idp_groups: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) } : undefined,
      // Never Lite: access-token customization (the V2_0 token trigger that grants scopes by group) needs Essentials.
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: threatProtection ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // The classic hosted UI: managed login (v2) serves sign-in pages only to app clients given a branding style.
    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    const servers = new Map<string, cognito.UserPoolResourceServer>();
    const oauthScopes = new Map<string, cognito.OAuthScope>();
    for (const service of props.catalogue.services) {
      const scopes = service.scopes.map(
        (scopeName) =>
          new cognito.ResourceServerScope({
            scopeName,
            scopeDescription: `${scopeName} access to ${service.name}`,
          }),
      );
      const server = this.userPool.addResourceServer(`${service.name}ResourceServer`, {
        identifier: service.name,
        userPoolResourceServerName: service.name,
        scopes,
      });
      servers.set(service.name, server);
      for (const scope of scopes)
        oauthScopes.set(qualifiedScope(service, scope.scopeName), cognito.OAuthScope.resourceServer(server, scope));
    }
    this.resourceServers = servers;
    this.scopes = oauthScopes;
    // The machine client: every defined scope except the admin scopes, which an operator grants to a client of their choosing.
    const notGranted = adminScopes(props.catalogue);
    const apiScopes = [...oauthScopes.keys()].filter((scope) => !notGranted.has(scope));

    this.machineClient = this.addMachineClient(this.userPool, 'MachineClient', { scopes: apiScopes });
    const groups = props.groups ?? [];
    // Throws on a scope no resource server defines, as for app clients.
    for (const scope of groups.flatMap((group) => group.scopes)) this.oauthScope(scope);
    this.identityProviders = new IdentityProviders(this, 'IdentityProviders', {
      userPool: this.userPool,
      providers: props.identityProviders ?? [],
    });
    // No API scope: a user token's API scopes come from the user's groups alone (added by the token trigger), so a
    // user in no group, or a pool without the trigger, gets none.
    this.userClient = this.addClient(
      this.userPool,
      'UserClient',
      {
        generateSecret: false,
        oAuth: {
          flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
          scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
          callbackUrls: [...(props.callbackUrls ?? ['http://localhost:8080/callback'])],
        },
      },
      [...this.identityProviders.providers.keys()],
    );
    for (const provider of this.identityProviders.providers.values()) this.userClient.node.addDependency(provider);
    this.userGroups = new UserGroups(this, 'Groups', {
      userPool: this.userPool,
      groups,
      providerGroups: providerGroupMappings(props.identityProviders ?? []),
      logGroup: props.tokenTriggerLogGroup,
    });

    this.identityPool = new cognito.CfnIdentityPool(this, 'IdentityPool', {
      allowUnauthenticatedIdentities: false,
      // The enhanced flow only: the basic (classic) flow lets a client pick any role the pool trusts.
      allowClassicFlow: false,
      cognitoIdentityProviders: [
        {
          clientId: this.userClient.userPoolClientId,
          providerName: this.userPool.userPoolProviderName,
          serverSideTokenCheck: true,
        },
      ],
    });
    this.authenticatedRole = new iam.Role(this, 'AuthenticatedRole', {
      description: 'Signed-in users of the platform identity pool',
      assumedBy: new iam.FederatedPrincipal(
        'cognito-identity.amazonaws.com',
        {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
      maxSessionDuration: Duration.hours(1),
    });
    // Deliberately no `unauthenticated` entry: the pool has no guest role to assume.
    new cognito.CfnIdentityPoolRoleAttachment(this, 'RoleAttachment', {
      identityPoolId: this.identityPool.ref,
      roles: { authenticated: this.authenticatedRole.roleArn },
    });
  }

  /**
   * A client-credentials app client of this pool, created in `scope`, with a secret and exactly `scopes`
   * (`<service>/<scope>`; admin scopes too when asked for: the caller decides), the platform's token lifetimes and revocation.
   */
  addMachineClient(scope: Construct, id: string, options: MachineClientOptions): cognito.UserPoolClient {
    return this.addClient(scope, id, {
      userPoolClientName: options.clientName,
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: options.scopes.map((scope) => this.oauthScope(scope)) },
    });
  }

  private oauthScope(scope: string): cognito.OAuthScope {
    const found = this.scopes.get(scope);
    if (!found) throw new Error(`no resource server defines scope "${scope}"; use one of ${[...this.scopes.keys()].join(', ')}`);
    return found;
  }

  /** `federated`: identity providers the client offers besides the pool's own users. */
  private addClient(
    scope: Construct,
    id: string,
    options: cognito.UserPoolClientOptions,
    federated: readonly string[] = [],
  ): cognito.UserPoolClient {
    // The shared settings last, so no caller can loosen them.
    const client = new cognito.UserPoolClient(scope, id, {
      ...options,
      userPool: this.userPool,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: TOKEN_VALIDITY.access,
      idTokenValidity: TOKEN_VALIDITY.id,
      refreshTokenValidity: TOKEN_VALIDITY.refresh,
      supportedIdentityProviders: [
        cognito.UserPoolClientIdentityProvider.COGNITO,
        ...federated.map((name) => cognito.UserPoolClientIdentityProvider.custom(name)),
      ],
    });
    // Tokens come from the OAuth endpoints only. Left unset, Cognito would also allow SRP and custom auth, and
    // the L2 cannot express "refresh only", so the property is set on the L1.
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    return client;
  }
}

export interface MachineClientOptions {
  /** Scopes the client's tokens may carry, as `<service>/<scope>`. */
  readonly scopes: readonly string[];
  /** Name shown in the Cognito console. @default - none */
  readonly clientName?: string;
}
