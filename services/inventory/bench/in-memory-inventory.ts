import { runService } from '../../shared/src/run-service';
import { loadInventoryConfig } from '../src/config';
import { createInventoryServer, INVENTORY_SERVICE } from '../src/inventory-server';
import { InventoryStore, StockLevel } from '../src/inventory-store';

/**
 * Benchmark entry (scripts/bench-services.mjs): inventory built exactly as src/index.ts builds it, with the DynamoDB
 * store replaced by a map, so the figures measure the service's own request path (TLS, caller check, JWT, routing,
 * JSON, logs) rather than the speed of a DynamoDB emulator on the same two cores.
 */
class InMemoryInventoryStore implements InventoryStore {
  private readonly levels = new Map<string, StockLevel>();

  async get(sku: string): Promise<StockLevel | undefined> {
    return this.levels.get(sku);
  }

  async set(sku: string, quantity: number, expectedVersion: number | undefined): Promise<StockLevel | undefined> {
    if (this.levels.get(sku)?.version !== expectedVersion) return undefined;
    const level = { sku, quantity, version: (expectedVersion ?? 0) + 1 };
    this.levels.set(sku, level);
    return level;
  }
}

runService('inventory', (env, logger) => {
  const store = new InMemoryInventoryStore();
  void store.set(env.BENCH_SKU ?? 'bench-sku', 100, undefined);
  return createInventoryServer(loadInventoryConfig(env, INVENTORY_SERVICE), store, logger);
});
