import { SERVICE_CATALOGUE, ServiceCatalogue } from '../../lib/catalogue/service-catalogue';
import { newRunId, planRoutes, samplePlan } from '../../scripts/smoke/sample-plan';
import { CreateOrder, REQUEST_BODY_SCHEMAS } from '../../lib/catalogue/body-schemas';
import { BodyValidator } from '../../services/shared/src/http/body-validator';

const routes = planRoutes(SERVICE_CATALOGUE, samplePlan('run-1'));

test('every public route of the catalogue has a sample', () => {
  const publicKeys = SERVICE_CATALOGUE.services
    .flatMap((s) => s.routes)
    .filter((r) => r.public)
    .map((r) => `${r.method} ${r.path}`);
  expect(routes.map((r) => r.key).sort()).toEqual(publicKeys.sort());
});

test('a public route without a sample stops the run, naming the route and where to add one', () => {
  const withNewRoute: ServiceCatalogue = {
    ...SERVICE_CATALOGUE,
    services: SERVICE_CATALOGUE.services.map((s) =>
      s.name === 'orders'
        ? { ...s, routes: [...s.routes, { method: 'DELETE' as const, path: '/orders/{orderId}', scope: 'orders/write', public: true }] }
        : s,
    ),
  };
  expect(() => planRoutes(withNewRoute, samplePlan('run-1'))).toThrow(
    'no sample request for public route DELETE /orders/{orderId}: add one to samplePlan in scripts/smoke/sample-plan.ts',
  );
});

test('a sample whose route is not public (or gone) stops the run', () => {
  const ordersInternal: ServiceCatalogue = {
    ...SERVICE_CATALOGUE,
    services: SERVICE_CATALOGUE.services.map((s) => ({
      ...s,
      routes: s.routes.map((r) => (r.path === '/orders' ? { ...r, public: false } : r)),
    })),
  };
  expect(() => planRoutes(ordersInternal, samplePlan('run-1'))).toThrow('sample "POST /orders" names no public route of the catalogue');
});

describe.each(routes.filter(({ route }) => route.bodySchema))('$key', ({ route, sample }) => {
  const validator = () => new BodyValidator(REQUEST_BODY_SCHEMAS);

  test(`its sample body passes ${route.bodySchema}, the route's own schema`, () => {
    expect(validator().validate(route.bodySchema!, sample.body)).toBe(sample.body);
  });

  test(`its invalid body fails ${route.bodySchema} (the 400 check)`, () => {
    expect(sample.invalidBody).toBeDefined();
    expect(() => validator().validate(route.bodySchema!, sample.invalidBody)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

test('writes come before the requests that need them', () => {
  const position = (key: string) => routes.findIndex((r) => r.key === key);
  expect(position('PUT /inventory/{sku}')).toBeLessThan(position('GET /inventory/{sku}'));
  expect(position('PUT /inventory/{sku}')).toBeLessThan(position('POST /orders'));
  expect(position('POST /orders')).toBeLessThan(position('GET /orders/{orderId}'));
});

test("ids are unique per run, so a rerun does not collide with (409) the last one, and fit the services' id pattern", () => {
  const idsOf = (runId: string) => {
    const { orderId, sku } = samplePlan(runId).get('POST /orders')!.body as CreateOrder;
    return [orderId, sku];
  };
  const [first, second] = [idsOf(newRunId()), idsOf(newRunId())];
  expect(first.filter((id) => second.includes(id))).toEqual([]);
  for (const id of [...first, ...second]) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
});
