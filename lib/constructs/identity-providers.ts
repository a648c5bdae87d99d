import { SecretValue } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { IDP_GROUPS_ATTRIBUTE, ProviderGroups } from '../private/token-scopes-trigger';

/** What every company identity provider of the pool has. */
export interface IdentityProviderBase {
  /** The provider's name on the sign-in page and in `identity_provider=` of /oauth2/authorize (3–32 characters). */
  readonly name: string;
  /**
   * User pool attribute → the provider's claim (OIDC) or attribute name (SAML), e.g. `{ email: 'email' }`.
   * @default { email: 'email' }
   */
  readonly attributeMapping?: Readonly<Record<string, string>>;
  /**
   * The provider's claim (or SAML attribute) listing the user's groups, e.g. `groups`. Cognito copies it into
   * `custom:idp_groups` at every sign-in, and the token trigger maps its values through `groupMapping`.
   * @default - no group claim: federated users get only the groups an administrator adds them to
   */
  readonly groupsClaim?: string;
  /** A value of the group claim → the Cognito groups it places the user in. @default {} */
  readonly groupMapping?: Readonly<Record<string, readonly string[]>>;
}

/** An OpenID Connect provider (Microsoft Entra ID, Okta, Google Workspace, Auth0, Keycloak…). */
export interface OidcProviderDefinition extends IdentityProviderBase {
  readonly type: 'oidc';
  /** The issuer, `https://…`; Cognito discovers the endpoints from `<issuer>/.well-known/openid-configuration`. */
  readonly issuerUrl: string;
  /** The client id of the application registered at the provider. */
  readonly clientId: string;
  /**
   * The Secrets Manager secret holding the client secret, by ARN. CloudFormation resolves it at deploy time (a
   * dynamic reference), so no template, synth output or repository holds the value.
   */
  readonly clientSecretArn: string;
  /** The JSON field of the secret holding the client secret. @default - the whole secret string is the client secret */
  readonly clientSecretField?: string;
  /** Scopes Cognito asks the provider for. @default ['openid', 'email', 'profile'] */
  readonly scopes?: readonly string[];
}

/** A SAML 2.0 provider, read from its metadata document. */
export interface SamlProviderDefinition extends IdentityProviderBase {
  readonly type: 'saml';
  /** `https://…` URL of the provider's SAML metadata; Cognito refreshes signing certificates from it. */
  readonly metadataUrl: string;
}

export type IdentityProviderDefinition = OidcProviderDefinition | SamlProviderDefinition;

export interface IdentityProvidersProps {
  readonly userPool: cognito.IUserPool;
  readonly providers: readonly IdentityProviderDefinition[];
}

/** Which Cognito groups each provider's group claim values map to, as the token trigger reads it. */
export function providerGroupMappings(providers: readonly IdentityProviderDefinition[]): ProviderGroups {
  return Object.fromEntries(providers.filter((p) => p.groupsClaim !== undefined).map((p) => [p.name, p.groupMapping ?? {}]));
}

/**
 * Single sign-on: the company's OIDC and SAML identity providers on the user pool. A federated user's access
 * token still carries only what their groups grant (UserGroups' trigger); the provider's group claim can place them
 * in groups (`groupsClaim`, `groupMapping`).
 */
export class IdentityProviders extends Construct {
  /** The providers, by name; app clients list them in `supportedIdentityProviders` and must depend on them. */
  readonly providers: ReadonlyMap<string, cognito.CfnUserPoolIdentityProvider>;

  constructor(scope: Construct, id: string, props: IdentityProvidersProps) {
    super(scope, id);
    const providers = new Map<string, cognito.CfnUserPoolIdentityProvider>();
    for (const provider of props.providers) {
      const attributeMapping = {
        ...(provider.attributeMapping ?? { email: 'email' }),
        ...(provider.groupsClaim === undefined ? {} : { [IDP_GROUPS_ATTRIBUTE]: provider.groupsClaim }),
      };
      const details =
        provider.type === 'oidc'
          ? {
              client_id: provider.clientId,
              client_secret: SecretValue.secretsManager(provider.clientSecretArn, {
                jsonField: provider.clientSecretField,
              }).unsafeUnwrap(), // A dynamic reference: CloudFormation reads the secret at deploy time.
              oidc_issuer: provider.issuerUrl,
              authorize_scopes: (provider.scopes ?? ['openid', 'email', 'profile']).join(' '),
              attributes_request_method: 'GET',
            }
          : { MetadataURL: provider.metadataUrl };
      providers.set(
        provider.name,
        new cognito.CfnUserPoolIdentityProvider(this, provider.name, {
          userPoolId: props.userPool.userPoolId,
          providerName: provider.name,
          providerType: provider.type === 'oidc' ? 'OIDC' : 'SAML',
          providerDetails: details,
          attributeMapping,
        }),
      );
    }
    this.providers = providers;
  }
}
