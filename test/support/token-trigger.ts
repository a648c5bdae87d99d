import * as cxapi from 'aws-cdk-lib/cx-api';
import * as vm from 'node:vm';
import { GroupScopes, TOKEN_SCOPES_ENV, TokenScopesEvent } from '../../lib/private/token-scopes-trigger';

/** The token trigger as the Edge template deploys it: its inline code, loaded as Lambda would, and its environment. */
export interface DeployedTokenTrigger {
  readonly handler: (event: TokenScopesEvent) => Promise<TokenScopesEvent>;
  readonly code: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly grants: GroupScopes;
}

/** The one function of the template whose environment carries the group grants. */
export function deployedTokenTrigger(template: { Resources: Record<string, any> }): DeployedTokenTrigger {
  const [fn] = Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.[TOKEN_SCOPES_ENV.groupScopes] !== undefined,
  );
  if (!fn) throw new Error('no token trigger in the template');
  const code: string = fn.Properties.Code.ZipFile;
  const environment: Record<string, string> = fn.Properties.Environment.Variables;
  const module = { exports: {} as { handler?: DeployedTokenTrigger['handler'] } };
  // CommonJS, as Lambda loads an inline index.js, with only the environment of the function.
  vm.compileFunction(code, ['module', 'exports', 'process'])(module, module.exports, { env: { ...environment } });
  return { handler: module.exports.handler!, code, environment, grants: JSON.parse(environment[TOKEN_SCOPES_ENV.groupScopes]) };
}

/** The Edge template of a synthesized assembly. */
export function edgeTemplate(assembly: cxapi.CloudAssembly): { Resources: Record<string, any> } {
  return assembly.stacks.find((s) => s.stackName.endsWith('-platform-edge'))!.template;
}

/**
 * A Cognito-shaped V2_0 pre token generation event for a user of the pool (or, with `identities`, a federated user),
 * asking for the scopes the user client allows.
 */
export function tokenEvent(
  groups: readonly string[],
  options: { attributes?: Record<string, string>; scopes?: readonly string[] } = {},
): TokenScopesEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'us-east-1',
    userPoolId: 'us-east-1_TestPool1',
    userName: 'member',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'user-client-id' },
    request: {
      userAttributes: { sub: 'member', email: 'member@example.com', 'cognito:user_status': 'CONFIRMED', ...options.attributes },
      groupConfiguration: { groupsToOverride: [...groups], iamRolesToOverride: [], preferredRole: null },
      scopes: [...(options.scopes ?? ['openid', 'email'])],
    },
    response: { claimsAndScopeOverrideDetails: null },
  } as TokenScopesEvent;
}

/** The API scopes an access token carries after the trigger ran: those added, none of those suppressed. */
export function tokenScopes(event: TokenScopesEvent): string[] {
  const access = event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration;
  const requested = event.request.scopes ?? [];
  return [...new Set([...requested, ...(access?.scopesToAdd ?? [])])]
    .filter((scope) => !(access?.scopesToSuppress ?? []).includes(scope))
    .filter((scope) => scope.includes('/'))
    .sort();
}
