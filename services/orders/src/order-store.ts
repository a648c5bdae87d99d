export interface Order {
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  /** Subject of the access token that placed the order. */
  readonly customer: string;
  readonly createdAt: string;
}

export interface OrderStore {
  get(orderId: string): Promise<Order | undefined>;
  /** @returns false when an order with that id already exists (nothing is overwritten) */
  create(order: Order): Promise<boolean>;
}
