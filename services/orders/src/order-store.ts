export interface Order {
  /** Chosen by the customer; unique per customer, not across customers. */
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  /** Subject of the access token that placed the order: its owner. */
  readonly customer: string;
  readonly createdAt: string;
}

export interface OrderStore {
  /** The order `customer` placed under `orderId`. */
  get(customer: string, orderId: string): Promise<Order | undefined>;
  /** Every customer's order under `orderId` (ids are per customer, so there may be several); for admin lookups. */
  findById(orderId: string): Promise<Order[]>;
  /**
   * Stores `order` unless its customer already has an order under that id; nothing is overwritten.
   * @returns undefined when `order` was stored; otherwise the customer's order that holds the id
   */
  create(order: Order): Promise<Order | undefined>;
}
