import { HttpError } from '../../shared/src/http/http-error';
import { RouteHandler } from '../../shared/src/http/route-binding';
import { InventoryStore } from './inventory-store';
import { SetStock } from '../../../lib/catalogue/body-schemas';

export function inventoryRoutes(store: InventoryStore): RouteHandler[] {
  return [
    {
      method: 'GET',
      path: '/inventory/{sku}',
      handle: async ({ params }) => {
        const level = await store.get(params.sku);
        if (!level) throw new HttpError(404, 'unknown sku');
        return { status: 200, body: level };
      },
    },
    {
      method: 'PUT',
      path: '/inventory/{sku}',
      handle: async ({ params, body }) => {
        const { quantity, expectedVersion } = body as SetStock;
        const level = await store.set(params.sku, quantity, expectedVersion);
        if (!level) throw new HttpError(409, 'stock changed since expectedVersion (or the sku exists): re-read and retry');
        return { status: 200, body: level };
      },
    },
  ];
}
