import { BodySchemas } from '../../shared/src/http/body-validator';

/** Body of PUT /inventory/{sku}: the new stock level, and the version it replaces (omit it to create the sku). */
export interface SetStock {
  readonly quantity: number;
  readonly expectedVersion?: number;
}

export const INVENTORY_SCHEMAS: BodySchemas = {
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
