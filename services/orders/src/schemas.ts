import { BodySchemas } from '../../shared/src/http/body-validator';

/** Body of POST /orders; the client picks `orderId`, so a retried request cannot create a second order. */
export interface CreateOrder {
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
}

const IDENTIFIER = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };

export const ORDERS_SCHEMAS: BodySchemas = {
  CreateOrder: {
    type: 'object',
    additionalProperties: false,
    required: ['orderId', 'sku', 'quantity'],
    properties: {
      orderId: IDENTIFIER,
      sku: IDENTIFIER,
      quantity: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  },
};
