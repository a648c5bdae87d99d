import { randomBytes } from 'node:crypto';
import { routeKey, ServiceCatalogue, ServiceRoute } from '../../lib/catalogue/service-catalogue';

/** A concrete request for one public route. */
export interface SampleRequest {
  /** The route's path with its parameters filled in. */
  readonly path: string;
  /** A body the route's schema accepts; undefined for routes without a body. */
  readonly body?: object;
  /** A body the route's schema refuses, for the 400 check; undefined for routes without a body. */
  readonly invalidBody?: object;
}

/** Sample requests by route key (`METHOD /path`), in the order they must run: a Map keeps insertion order. */
export type SamplePlan = ReadonlyMap<string, SampleRequest>;

/** A public route with its sample, in plan order. */
export interface PlannedRoute {
  readonly key: string;
  readonly route: ServiceRoute;
  readonly sample: SampleRequest;
}

/** Random per run, so a rerun creates new items instead of hitting 409 on the last run's. Fits the services' id pattern. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * The smoke test's writes and reads. Order matters: the sku must exist before it is read or ordered, and the
 * order before it is read. Stock covers the order, so POST /orders does not get 409 for lack of it.
 */
export function samplePlan(runId: string): SamplePlan {
  const sku = `smoke-${runId}`;
  const orderId = `smoke-${runId}`;
  return new Map<string, SampleRequest>([
    ['PUT /inventory/{sku}', { path: `/inventory/${sku}`, body: { quantity: 10 }, invalidBody: { quantity: -1 } }],
    ['GET /inventory/{sku}', { path: `/inventory/${sku}` }],
    ['POST /orders', { path: '/orders', body: { orderId, sku, quantity: 1 }, invalidBody: { orderId, sku } }],
    ['GET /orders/{orderId}', { path: `/orders/${orderId}` }],
  ]);
}

/**
 * The catalogue's public routes in plan order. Throws when the two disagree, so a route added to the catalogue
 * cannot go unchecked and a sample cannot outlive its route.
 */
export function planRoutes(catalogue: ServiceCatalogue, plan: SamplePlan): PlannedRoute[] {
  const publicRoutes = new Map(
    catalogue.services
      .flatMap((s) => s.routes)
      .filter((r) => r.public)
      .map((r) => [routeKey(r), r]),
  );
  const unplanned = [...publicRoutes.keys()].filter((key) => !plan.has(key));
  if (unplanned.length > 0) {
    throw new Error(`no sample request for public route ${unplanned.join(', ')}: add one to samplePlan in scripts/smoke/sample-plan.ts`);
  }
  return [...plan].map(([key, sample]) => {
    const route = publicRoutes.get(key);
    if (!route) throw new Error(`sample "${key}" names no public route of the catalogue: remove it from samplePlan or fix its key`);
    return { key, route, sample };
  });
}
