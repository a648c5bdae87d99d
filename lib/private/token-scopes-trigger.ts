/**
 * The pre token generation trigger (event version V2_0) that decides which API scopes a user's access token carries.
 * This file is the Lambda's whole code: it imports nothing, and lib/constructs/user-groups.ts transpiles it as is
 * into the function's inline code, so the function the tests run is the function that deploys.
 */

/** The user pool attribute federated sign-in maps an identity provider's group claim into. */
export const IDP_GROUPS_ATTRIBUTE = 'custom:idp_groups';

/** Environment variables of the trigger: what it grants is configuration, visible in the template. */
export const TOKEN_SCOPES_ENV = {
  /** JSON `{ "<Cognito group>": ["<service>/<scope>", …] }`. */
  groupScopes: 'GROUP_SCOPES',
  /** JSON `{ "<identity provider name>": { "<IdP group value>": ["<Cognito group>", …] } }`. */
  providerGroups: 'PROVIDER_GROUPS',
} as const;

export type GroupScopes = Readonly<Record<string, readonly string[]>>;
export type ProviderGroups = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** The parts of a Cognito V2_0 pre token generation event the trigger reads and writes. */
export interface TokenScopesEvent {
  readonly request: {
    readonly userAttributes: Readonly<Record<string, string>>;
    readonly groupConfiguration: { readonly groupsToOverride?: readonly string[] };
    readonly scopes?: readonly string[];
  };
  response: {
    claimsAndScopeOverrideDetails?: {
      readonly accessTokenGeneration?: { readonly scopesToAdd?: string[]; readonly scopesToSuppress?: string[] };
      readonly groupOverrideDetails?: { readonly groupsToOverride?: string[] };
    } | null;
  };
}

/**
 * The values of an identity provider's group claim as Cognito stores the mapped attribute: a JSON array, a
 * bracketed list (`[a, b]`, how Cognito writes an OIDC array claim) or comma-separated values (SAML).
 */
function claimValues(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // Not JSON: a bracketed or comma-separated list.
  }
  return value
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * The Cognito groups a federated user's identity provider places them in. Only the provider the user signed in
 * through counts (Cognito writes `identities` itself; a user cannot set it), so one provider's claim cannot use
 * another's mapping, and a user of the pool itself gets nothing from the attribute whoever set it.
 */
function providerGroupsOf(attributes: Readonly<Record<string, string>>, providers: ProviderGroups): string[] {
  let identities: unknown;
  try {
    identities = JSON.parse(attributes.identities ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(identities) || identities.length !== 1) return [];
  const mapping = providers[String((identities[0] as { providerName?: unknown }).providerName)];
  if (!mapping) return [];
  return claimValues(attributes[IDP_GROUPS_ATTRIBUTE]).flatMap((value) =>
    Object.prototype.hasOwnProperty.call(mapping, value) ? mapping[value] : [],
  );
}

/**
 * Sets the access token's API scopes (those naming a resource server, `<service>/<scope>`) to exactly what the user's
 * groups grant: the granted ones are added, and any other the request asked for is suppressed. OpenID scopes
 * (`openid`, `email`) pass untouched. A user in no group, or in groups granting nothing, gets no API scope.
 */
export function applyGroupScopes(event: TokenScopesEvent, grants: GroupScopes, providers: ProviderGroups): TokenScopesEvent {
  const own = event.request.groupConfiguration.groupsToOverride ?? [];
  const groups = [...new Set([...own, ...providerGroupsOf(event.request.userAttributes, providers)])].sort();
  const granted = [
    ...new Set(groups.flatMap((group) => (Object.prototype.hasOwnProperty.call(grants, group) ? grants[group] : []))),
  ].sort();
  const requested = event.request.scopes ?? [];
  event.response.claimsAndScopeOverrideDetails = {
    accessTokenGeneration: {
      scopesToAdd: granted,
      scopesToSuppress: requested.filter((scope) => scope.includes('/') && !granted.includes(scope)),
    },
    // The groups the scopes came from, in cognito:groups, so an API log shows why a token holds what it holds.
    groupOverrideDetails: { groupsToOverride: groups },
  };
  return event;
}

/** The Lambda entry point: the grants come from the function's environment, parsed once per container. */
let configured: { grants: GroupScopes; providers: ProviderGroups } | undefined;
export async function handler(event: TokenScopesEvent): Promise<TokenScopesEvent> {
  configured ??= {
    grants: JSON.parse(process.env[TOKEN_SCOPES_ENV.groupScopes] ?? '{}') as GroupScopes,
    providers: JSON.parse(process.env[TOKEN_SCOPES_ENV.providerGroups] ?? '{}') as ProviderGroups,
  };
  return applyGroupScopes(event, configured.grants, configured.providers);
}
