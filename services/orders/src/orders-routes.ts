import { Principal } from '../../shared/src/auth/verified-token-cache';
import { HttpError } from '../../shared/src/http/http-error';
import { Reply, RouteHandler } from '../../shared/src/http/route-binding';
import { InventoryClient } from './inventory-client';
import { Order, OrderStore } from './order-store';
import { CreateOrder } from '../../../lib/catalogue/body-schemas';
import { receiptOf } from './receipts';

/**
 * Object-level authorization (OWASP API1): an order belongs to the subject that placed it, and order ids are per
 * subject. A caller reads and retries its own orders only; another subject's order is as unknown to it as an id
 * nobody uses (404, and the same 201 for a POST), so ids do not leak. A token with `adminScope` (the catalogue's
 * orders admin scope, as tokens carry it) reads any subject's order by id; undefined means no token can.
 * With a receipt-signing key, every order in a reply carries its `receipt` (see `receiptOf`), signed with the key
 * current when the reply is made: `receiptSigningKey` is asked on every reply, so a rotated key takes effect at once.
 */
export function ordersRoutes(
  store: OrderStore,
  inventory: InventoryClient,
  adminScope: string | undefined,
  receiptSigningKey?: () => Buffer,
): RouteHandler[] {
  const isAdmin = (principal: Principal) => adminScope !== undefined && principal.scopes.has(adminScope);
  const present = (reply: Reply): Reply =>
    receiptSigningKey === undefined
      ? reply
      : { ...reply, body: { ...(reply.body as Order), receipt: receiptOf(receiptSigningKey(), reply.body as Order) } };

  return [
    {
      method: 'GET',
      path: '/orders/{orderId}',
      handle: async ({ params, principal }) => {
        const orderId = params.orderId;
        const own = async () => {
          const order = await store.get(principal.subject, orderId);
          return order ? [order] : [];
        };
        const orders = isAdmin(principal) ? await store.findById(orderId) : await own();
        if (orders.length === 0) throw new HttpError(404, 'unknown order');
        // The request cannot name a customer, so an admin cannot say which of several orders under this id it means.
        if (orders.length > 1) throw new HttpError(409, `order id ${orderId} is used by ${orders.length} customers`);
        return present({ status: 200, body: orders[0] });
      },
    },
    {
      method: 'POST',
      path: '/orders',
      handle: async ({ body, principal, requestId }) => {
        const request = body as CreateOrder;
        const { orderId, sku, quantity } = request;
        const earlier = await store.get(principal.subject, orderId);
        // A retry is answered without asking inventory, whose stock may have moved since the first attempt.
        if (earlier) return present(retryReply(earlier, request));
        const inStock = await inventory.stockOf(sku, principal, requestId);
        if (inStock === undefined) throw new HttpError(422, `unknown sku ${sku}`);
        if (inStock < quantity) throw new HttpError(409, `only ${inStock} of ${sku} in stock`);
        const order = { orderId, sku, quantity, customer: principal.subject, createdAt: new Date().toISOString() };
        // Undefined unless a concurrent retry of this request stored the order first.
        const holder = await store.create(order);
        return present(holder ? retryReply(holder, request) : { status: 201, body: order });
      },
    },
  ];
}

/**
 * The reply to a POST under an id the caller already uses: its order, with 200 rather than 201 because this request
 * created nothing; or 409 when the body asks for a different order.
 */
function retryReply(earlier: Order, request: CreateOrder): Reply {
  if (earlier.sku !== request.sku || earlier.quantity !== request.quantity) {
    throw new HttpError(409, `order ${request.orderId} already exists`);
  }
  return { status: 200, body: earlier };
}
