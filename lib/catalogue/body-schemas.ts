/** JSON schemas by name, as routes name them in the catalogue (`bodySchema`). */
export type BodySchemas = Readonly<Record<string, object>>;

/** Body of POST /orders; the client picks `orderId`, so a retried request cannot create a second order. */
export interface CreateOrder {
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** Body of PUT /inventory/{sku}: the new stock level, and the version it replaces (omit it to create the sku). */
export interface SetStock {
  readonly quantity: number;
  readonly expectedVersion?: number;
}

const IDENTIFIER = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };

/**
 * Every request body schema, one object each: API Gateway's request models, the edge (which refuses exactly the
 * bodies a service would, so it never forwards one the service cannot answer) and the services validate with the
 * same objects. One record, so two services cannot define a schema under the same name.
 */
export const REQUEST_BODY_SCHEMAS: BodySchemas = {
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
  SetStock: {
    type: 'object',
    additionalProperties: false,
    required: ['quantity'],
    properties: {
      quantity: { type: 'integer', minimum: 0, maximum: 1_000_000 },
      expectedVersion: { type: 'integer', minimum: 1 },
    },
  },
};
