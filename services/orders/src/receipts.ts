import { createHmac } from 'node:crypto';
import { Order } from './order-store';

/**
 * A receipt for an order: HMAC-SHA256, keyed with the receipt-signing key from Secrets Manager, over the fields that
 * make the order, so its holder can later prove what was ordered and when. Hex, 64 characters.
 */
export function receiptOf(key: Buffer, order: Order): string {
  const fields = [order.customer, order.orderId, order.sku, String(order.quantity), order.createdAt];
  return createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
}
