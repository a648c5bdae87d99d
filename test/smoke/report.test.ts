import { CheckKind, CheckResult } from '../../scripts/smoke/checks';
import { checkLines, likelyCause, summaryLines } from '../../scripts/smoke/report';

/** A failed check with an HTTP answer, unless `extra` says otherwise. */
function answered(kind: CheckKind, status: number, extra: Partial<CheckResult> = {}, body = ''): CheckResult {
  return { name: `${kind} check`, kind, expected: '2xx', passed: false, outcome: { status, body, latencyMs: 12 }, ...extra };
}

/** A failed check without an HTTP answer. */
function unanswered(kind: CheckKind, networkError: string, extra: Partial<CheckResult> = {}): CheckResult {
  return { name: `${kind} check`, kind, expected: '2xx', passed: false, outcome: { networkError, latencyMs: 12 }, ...extra };
}

test('one line per check: result, name, expected and observed status, latency', () => {
  const lines = checkLines([
    answered('allowed', 201, { name: 'POST /orders with all public scopes', passed: true }),
    answered('token', 401, { name: 'token for orders/read', expected: '200', oauthError: 'invalid_client' }),
    unanswered('allowed', 'ENOTFOUND', { name: 'GET /orders/{orderId} with all public scopes' }),
  ]);
  expect(lines.map((line) => line.split(/\s{2,}/))).toEqual([
    ['PASS', 'POST /orders with all public scopes', 'expected 2xx', 'got 201', '12 ms'],
    ['FAIL', 'token for orders/read', 'expected 200', 'got 401 invalid_client', '12 ms'],
    ['FAIL', 'GET /orders/{orderId} with all public scopes', 'expected 2xx', 'got ENOTFOUND', '12 ms'],
  ]);
});

describe('likely cause', () => {
  test.each<[string, CheckResult, RegExp]>([
    ['502 from the API', answered('allowed', 502), /ingress certificate .* in-cluster ingress/],
    ['504 from the API, whatever the check', answered('no-token', 504), /ingress certificate .* in-cluster ingress/],
    ['503 from the API', answered('allowed', 503), /could not reach a service/],
    ['401 on the good token', answered('allowed', 401), /^wrong client or pool/],
    ['403 on the good token', answered('allowed', 403, {}, '{"message":"Forbidden"}'), /^scopes: the token lacks the route's scope/],
    [
      "API Gateway's 403 for a route it does not have",
      answered('allowed', 403, {}, '{"message":"Missing Authentication Token"}'),
      /^the route is not deployed/,
    ],
    ['404 on the good token', answered('allowed', 404), /earlier sample creates is missing/],
    [
      'no answer from the API',
      unanswered('allowed', 'ENOTFOUND'),
      /^no HTTP answer \(ENOTFOUND\): check the ApiUrl output \(DNS name and URL\)/,
    ],
    ['no answer from the token endpoint', unanswered('token', 'ECONNREFUSED'), /check the TokenUrl output/],
    ['2xx without a token', answered('no-token', 200), /^authentication is not enforced/],
    ['2xx with another scope', answered('wrong-scope', 200), /scope is not enforced/],
    ['2xx with a bad body', answered('invalid-body', 201), /^the body schema is not enforced/],
    ['another status', answered('invalid-body', 422), /^unexpected 422/],
  ])('%s', (_, check, cause) => {
    expect(likelyCause(check)).toMatch(cause);
  });

  test.each<[string, number, string | undefined, RegExp]>([
    ['a wrong secret (RFC 6749: 401)', 401, 'invalid_client', /^wrong client or pool/],
    ['a wrong secret answered 400 invalid_client', 400, 'invalid_client', /^wrong client or pool/],
    ['a scope the client may not have', 400, 'invalid_scope', /^scopes: the machine client may not request/],
    ['a client without the flow', 400, 'unauthorized_client', /without the client-credentials flow/],
    ['200 without a token', 200, undefined, /not a Cognito \/oauth2\/token endpoint/],
    ['an endpoint failure', 500, undefined, /token endpoint failed/],
    ['any other refusal', 404, undefined, /TokenUrl should be the user pool domain's/],
  ])('token endpoint: %s', (_, status, oauthError, cause) => {
    expect(likelyCause(answered('token', status, { oauthError }))).toMatch(cause);
  });
});

describe('summary', () => {
  test('all passed', () => {
    expect(summaryLines([answered('allowed', 200, { passed: true })])).toEqual(['all 1 checks passed']);
  });

  test('failures are grouped by likely cause, each naming the checks and what they got', () => {
    const lines = summaryLines([
      answered('allowed', 502, { name: 'PUT /inventory/{sku}' }),
      answered('allowed', 200, { name: 'GET /orders/{orderId}', passed: true }),
      answered('allowed', 503, { name: 'GET /inventory/{sku}' }),
      answered('no-token', 200, { name: 'POST /orders without a token' }),
    ]);
    expect(lines).toEqual([
      'FAILED 3 of 4 checks:',
      '- PUT /inventory/{sku} (got 502), GET /inventory/{sku} (got 503)',
      expect.stringMatching(/^ {2}likely cause: API Gateway or the ingress could not reach a service/),
      '- POST /orders without a token (got 200)',
      expect.stringMatching(/^ {2}likely cause: authentication is not enforced/),
    ]);
  });

  test('a refused token says the API was not called', () => {
    expect(summaryLines([answered('token', 401, { oauthError: 'invalid_client' })]).at(-1)).toBe(
      'the API was not called: every check needs a token first',
    );
  });
});
