import { CheckKind, CheckResult } from './checks';
import { REQUEST_TIMEOUT_MS } from './http-client';

const INGRESS =
  'API Gateway or the ingress could not reach a service: check the ingress certificate (API Gateway accepts only ' +
  'a publicly trusted one, for the ingress host name), the in-cluster ingress (ingress-gateway pods, target group health) ' +
  'and the service pods behind it';
const WRONG_CLIENT = 'wrong client or pool: MachineClientId and its secret are not a client of the user pool behind TokenUrl';

/** What a 2xx on a request the API must refuse says is missing. */
const CONTROL_NOT_ENFORCED: Record<Exclude<CheckKind, 'token' | 'allowed'>, string> = {
  'no-token': 'authentication is not enforced on this route (the method has no authorizer)',
  'wrong-scope': "the route's scope is not enforced (the method's OAuth scopes are missing or too broad)",
  'invalid-body': 'the body schema is not enforced (no request validator or model on the method, and the service accepted it)',
};

/** One line per check: result, name, expected and observed status, latency. */
export function checkLines(results: readonly CheckResult[]): string[] {
  const width = Math.max(...results.map((result) => result.name.length));
  return results.map((result) =>
    [
      result.passed ? 'PASS' : 'FAIL',
      result.name.padEnd(width),
      `expected ${result.expected.padEnd(7)}`,
      `got ${observed(result).padEnd(20)}`,
      `${String(result.outcome.latencyMs).padStart(5)} ms`,
    ].join('  '),
  );
}

/** The closing lines: a pass, or the failures grouped by likely cause (one outage fails many checks alike). */
export function summaryLines(results: readonly CheckResult[]): string[] {
  const failed = results.filter((result) => !result.passed);
  if (failed.length === 0) return [`all ${results.length} checks passed`];
  const byCause = new Map<string, CheckResult[]>();
  for (const result of failed) {
    const cause = likelyCause(result);
    byCause.set(cause, [...(byCause.get(cause) ?? []), result]);
  }
  const skipped = results.every((result) => result.kind === 'token') ? ['the API was not called: every check needs a token first'] : [];
  return [
    `FAILED ${failed.length} of ${results.length} checks:`,
    ...[...byCause].flatMap(([cause, group]) => [
      `- ${group.map((result) => `${result.name} (got ${observed(result)})`).join(', ')}`,
      `  likely cause: ${cause}`,
    ]),
    ...skipped,
  ];
}

export function likelyCause(result: CheckResult): string {
  const { outcome } = result;
  if (!('status' in outcome)) {
    const output = result.kind === 'token' ? 'TokenUrl' : 'ApiUrl';
    return (
      `no HTTP answer (${outcome.networkError}): check the ${output} output (DNS name and URL), that its certificate ` +
      `is trusted (NODE_EXTRA_CA_CERTS for a private CA), and that it answers within ${REQUEST_TIMEOUT_MS / 1000} s`
    );
  }
  if (result.kind === 'token') return tokenRefusalCause(outcome.status, result.oauthError);
  const { status, body } = outcome;
  if (status === 502 || status === 503 || status === 504) return INGRESS;
  // API Gateway's answer to a path or method it does not have, whatever the token.
  if (status === 403 && body.includes('Missing Authentication Token')) {
    return 'the route is not deployed: redeploy the API, or check that ApiUrl includes the stage path';
  }
  if (result.kind === 'allowed' && status === 401) {
    return (
      'wrong client or pool: the API refuses tokens of this client, though the pool issued them (ApiUrl and TokenUrl from ' +
      "different deployments, or the authorizer or the services' COGNITO_CLIENT_IDS name another pool or client)"
    );
  }
  if (result.kind === 'allowed' && status === 403) {
    return (
      "scopes: the token lacks the route's scope, or the method requires another; compare the catalogue, the deployed " +
      "API's method scopes and the machine client's allowed OAuth scopes"
    );
  }
  if (result.kind === 'allowed' && status === 404) {
    return 'not found: the item an earlier sample creates is missing (see the failed writes), or the route is not deployed';
  }
  if (result.kind !== 'allowed' && status >= 200 && status < 300) return CONTROL_NOT_ENFORCED[result.kind];
  return `unexpected ${status}: see the API's access log and the services' logs`;
}

function tokenRefusalCause(status: number, oauthError: string | undefined): string {
  // RFC 6749 §5.2: a failed Basic authentication is invalid_client with 401; Cognito documents the code, not the status.
  if (oauthError === 'invalid_client' || status === 401) return WRONG_CLIENT;
  if (oauthError === 'invalid_scope')
    return "scopes: the machine client may not request these scopes (check the resource servers and the client's allowed OAuth scopes)";
  if (oauthError === 'unauthorized_client') return 'MachineClientId names a client without the client-credentials flow';
  if (status === 200) return 'the answer has no access_token: TokenUrl is not a Cognito /oauth2/token endpoint';
  if (status >= 500) return 'the token endpoint failed: retry, and check the Cognito service health in the region';
  return "the token endpoint refused the request: TokenUrl should be the user pool domain's /oauth2/token URL";
}

function observed(result: CheckResult): string {
  const { outcome } = result;
  if (!('status' in outcome)) return outcome.networkError;
  return result.oauthError ? `${outcome.status} ${result.oauthError}` : String(outcome.status);
}
