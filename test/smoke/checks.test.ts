import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { apiChecks, apiUrlFor, tokenPlan, tokenRequests } from '../../scripts/smoke/checks';
import { planRoutes, samplePlan } from '../../scripts/smoke/sample-plan';

const routes = planRoutes(SERVICE_CATALOGUE, samplePlan('r1'));
const plan = tokenPlan(routes);
/** A fake token per scope list, so each check's token shows which scopes it carries. */
const tokenFor = (scopes: readonly string[]) => `token(${scopes.join(' ')})`;
const ALL = tokenFor(plan.allScopes);

test.each([
  ['https://api.example.com/', 'https://api.example.com/orders'],
  ['https://api.example.com', 'https://api.example.com/orders'],
  ['https://abc.execute-api.us-east-1.amazonaws.com/v1/', 'https://abc.execute-api.us-east-1.amazonaws.com/v1/orders'],
  ['https://abc.execute-api.us-east-1.amazonaws.com/v1', 'https://abc.execute-api.us-east-1.amazonaws.com/v1/orders'],
])('a route path goes below the ApiUrl %s, stage path included', (apiUrl, url) => {
  expect(apiUrlFor(apiUrl, '/orders')).toBe(url);
});

test('tokens: one with every public scope, and one per "other" scope, each requested once', () => {
  expect([...plan.allScopes].sort()).toEqual(['inventory/read', 'inventory/write', 'orders/read', 'orders/write']);
  for (const { key, route } of routes) {
    expect(plan.otherScopeOf.get(key)).not.toBe(route.scope);
    expect(plan.allScopes).toContain(plan.otherScopeOf.get(key));
  }
  const requests = tokenRequests(plan);
  expect(requests[0]).toEqual(plan.allScopes);
  expect(requests.slice(1)).toEqual([...new Set(plan.otherScopeOf.values())].map((scope) => [scope]));
});

test('every route is called with all scopes (in plan order), then without a token, with another scope, and with a bad body', () => {
  const other = (key: string) => plan.otherScopeOf.get(key)!;
  const sample = (key: string) => samplePlan('r1').get(key)!;
  const summary = apiChecks(routes, plan, tokenFor).map((c) => [c.name, c.kind, c.expected.label, c.method, c.path, c.token, c.body]);
  expect(summary).toEqual([
    ...routes.map(({ key, route }) => [
      `${key} with all public scopes`,
      'allowed',
      '2xx',
      route.method,
      sample(key).path,
      ALL,
      sample(key).body,
    ]),
    ...routes.map(({ key, route }) => [
      `${key} without a token`,
      'no-token',
      '401',
      route.method,
      sample(key).path,
      undefined,
      sample(key).body,
    ]),
    ...routes.map(({ key, route }) => [
      `${key} with only ${other(key)}`,
      'wrong-scope',
      '403|401',
      route.method,
      sample(key).path,
      tokenFor([other(key)]),
      sample(key).body,
    ]),
    [
      'PUT /inventory/{sku} with a body SetStock refuses',
      'invalid-body',
      '400',
      'PUT',
      sample('PUT /inventory/{sku}').path,
      ALL,
      sample('PUT /inventory/{sku}').invalidBody,
    ],
    ['POST /orders with a body CreateOrder refuses', 'invalid-body', '400', 'POST', '/orders', ALL, sample('POST /orders').invalidBody],
  ]);
});

test('the expectations accept exactly the documented statuses', () => {
  const accepted = (kind: string) =>
    [200, 201, 204, 400, 401, 403, 404, 502].filter((status) =>
      apiChecks(routes, plan, tokenFor)
        .find((c) => c.kind === kind)!
        .expected.accepts(status),
    );
  expect(accepted('allowed')).toEqual([200, 201, 204]);
  expect(accepted('no-token')).toEqual([401]);
  expect(accepted('wrong-scope')).toEqual([401, 403]);
  expect(accepted('invalid-body')).toEqual([400]);
});
