import { BodySchemas } from '../../shared/src/http/body-validator';
import { INVENTORY_SCHEMAS } from '../../inventory/src/schemas';
import { ORDERS_SCHEMAS } from '../../orders/src/schemas';

/**
 * The body schemas of every service behind the edge, the very objects the services validate with, so the edge
 * refuses exactly the bodies the service would and never forwards one it cannot answer.
 */
export const UPSTREAM_SCHEMAS: BodySchemas = mergeSchemas([ORDERS_SCHEMAS, INVENTORY_SCHEMAS]);

function mergeSchemas(sets: readonly BodySchemas[]): BodySchemas {
  const merged: Record<string, object> = {};
  for (const [name, schema] of sets.flatMap((set) => Object.entries(set))) {
    if (name in merged) throw new Error(`body schema ${name} is defined by two services; give one of them another name`);
    merged[name] = schema;
  }
  return merged;
}
