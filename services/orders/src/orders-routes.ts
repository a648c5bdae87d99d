import { HttpError } from '../../shared/src/http/http-error';
import { identifierParam } from '../../shared/src/http/path-param';
import { RouteHandler } from '../../shared/src/http/route-binding';
import { InventoryClient } from './inventory-client';
import { OrderStore } from './order-store';
import { CreateOrder } from './schemas';

export function ordersRoutes(store: OrderStore, inventory: InventoryClient): RouteHandler[] {
  return [
    {
      method: 'GET',
      path: '/orders/{orderId}',
      handle: async ({ params }) => {
        const order = await store.get(identifierParam(params, 'orderId'));
        if (!order) throw new HttpError(404, 'unknown order');
        return { status: 200, body: order };
      },
    },
    {
      method: 'POST',
      path: '/orders',
      handle: async ({ body, principal, requestId }) => {
        const { orderId, sku, quantity } = body as CreateOrder;
        const inStock = await inventory.stockOf(sku, principal, requestId);
        if (inStock === undefined) throw new HttpError(422, `unknown sku ${sku}`);
        if (inStock < quantity) throw new HttpError(409, `only ${inStock} of ${sku} in stock`);
        const order = { orderId, sku, quantity, customer: principal.subject, createdAt: new Date().toISOString() };
        if (!(await store.create(order))) throw new HttpError(409, `order ${orderId} already exists`);
        return { status: 201, body: order };
      },
    },
  ];
}
