import { HttpOutcome, SmokeHttpClient } from './http-client';
import { PlannedRoute } from './sample-plan';
import { TokenResponse } from './token-client';

/** What a check proves: a token can be had, a good request passes, or a control refuses a bad one. */
export type CheckKind = 'token' | 'allowed' | 'no-token' | 'wrong-scope' | 'invalid-body';

export interface CheckResult {
  /** e.g. `POST /orders without a token`. */
  readonly name: string;
  readonly kind: CheckKind;
  /** The accepted statuses, as printed (`2xx`, `401`). */
  readonly expected: string;
  readonly outcome: HttpOutcome;
  /** Token checks: the endpoint's OAuth error code, if it refused. */
  readonly oauthError?: string;
  readonly passed: boolean;
}

interface Expectation {
  readonly label: string;
  readonly accepts: (status: number) => boolean;
}

const SUCCESS: Expectation = { label: '2xx', accepts: (status) => status >= 200 && status < 300 };
const NO_TOKEN: Expectation = { label: '401', accepts: (status) => status === 401 };
/**
 * The edge and the services answer 403 to a valid token without the route's scope (RFC 6750 insufficient_scope).
 * In front of them, API Gateway's COGNITO_USER_POOLS authorizer is documented with both statuses: the gateway
 * response ACCESS_DENIED (403) is "access denied by a custom or Amazon Cognito authorizer"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html), and AWS's
 * guide to its 401s lists an access token that does not fit the method's OAuth scopes among their causes
 * (https://repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized). Both are accepted; nothing else is.
 */
const SCOPE_DENIED: Expectation = { label: '403|401', accepts: (status) => status === 403 || status === 401 };
const INVALID_BODY: Expectation = { label: '400', accepts: (status) => status === 400 };

/** One request to the API and the statuses that pass. */
export interface ApiCheck {
  readonly name: string;
  readonly kind: Exclude<CheckKind, 'token'>;
  readonly expected: Expectation;
  readonly method: string;
  readonly path: string;
  readonly body?: object;
  /** Omitted for the check without a token. */
  readonly token?: string;
}

/** The tokens the checks need: one with every public scope, and one per scope that serves as "some other scope". */
export interface TokenPlan {
  readonly allScopes: readonly string[];
  /** By route key: the one public scope, not the route's own, that its wrong-scope token carries. */
  readonly otherScopeOf: ReadonlyMap<string, string>;
}

export function tokenPlan(routes: readonly PlannedRoute[]): TokenPlan {
  const allScopes = [...new Set(routes.map(({ route }) => route.scope))];
  // A catalogue with a single public scope has no "other" scope, and so no wrong-scope check.
  const otherScopeOf = new Map(
    routes.flatMap(({ key, route }) => {
      const other = allScopes.find((scope) => scope !== route.scope);
      return other ? [[key, other] as const] : [];
    }),
  );
  return { allScopes, otherScopeOf };
}

/** The scope lists to request tokens for, each once. */
export function tokenRequests(plan: TokenPlan): string[][] {
  return [[...plan.allScopes], ...[...new Set(plan.otherScopeOf.values())].map((scope) => [scope])];
}

export function tokenCheck(scopes: readonly string[], response: TokenResponse): CheckResult {
  return {
    name: `token for ${scopes.join(' ')}`,
    kind: 'token',
    expected: '200',
    outcome: response.outcome,
    oauthError: response.oauthError,
    passed: response.accessToken !== undefined,
  };
}

/**
 * Every planned route with the all-scopes token first, in plan order (the writes the reads depend on), then the
 * refusals: no token, a token with only another scope, and a body the route's schema refuses.
 */
export function apiChecks(routes: readonly PlannedRoute[], plan: TokenPlan, tokenFor: (scopes: readonly string[]) => string): ApiCheck[] {
  const request = ({ route, sample }: PlannedRoute) => ({ method: route.method, path: sample.path, body: sample.body });
  const allowed = routes.map((planned): ApiCheck => ({
    ...request(planned),
    name: `${planned.key} with all public scopes`,
    kind: 'allowed',
    expected: SUCCESS,
    token: tokenFor(plan.allScopes),
  }));
  const noToken = routes.map((planned): ApiCheck => ({
    ...request(planned),
    name: `${planned.key} without a token`,
    kind: 'no-token',
    expected: NO_TOKEN,
  }));
  const wrongScope = routes.flatMap((planned): ApiCheck[] => {
    const other = plan.otherScopeOf.get(planned.key);
    return other
      ? [
          {
            ...request(planned),
            name: `${planned.key} with only ${other}`,
            kind: 'wrong-scope',
            expected: SCOPE_DENIED,
            token: tokenFor([other]),
          },
        ]
      : [];
  });
  const invalidBody = routes.flatMap((planned): ApiCheck[] =>
    planned.sample.invalidBody
      ? [
          {
            ...request(planned),
            body: planned.sample.invalidBody,
            name: `${planned.key} with a body ${planned.route.bodySchema} refuses`,
            kind: 'invalid-body',
            expected: INVALID_BODY,
            token: tokenFor(plan.allScopes),
          },
        ]
      : [],
  );
  return [...allowed, ...noToken, ...wrongScope, ...invalidBody];
}

export async function runApiCheck(http: SmokeHttpClient, apiUrl: string, check: ApiCheck): Promise<CheckResult> {
  const outcome = await http.send({
    method: check.method,
    url: apiUrlFor(apiUrl, check.path),
    headers: {
      ...(check.token ? { authorization: `Bearer ${check.token}` } : {}),
      ...(check.body ? { 'content-type': 'application/json' } : {}),
    },
    body: check.body && JSON.stringify(check.body),
  });
  return {
    name: check.name,
    kind: check.kind,
    expected: check.expected.label,
    outcome,
    passed: 'status' in outcome && check.expected.accepts(outcome.status),
  };
}

/** The API's base URL may carry a stage path (`…/v1` or `…/v1/`): route paths go below it, not at the host root. */
export function apiUrlFor(apiUrl: string, path: string): string {
  return new URL(path.replace(/^\//, ''), apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`).toString();
}
