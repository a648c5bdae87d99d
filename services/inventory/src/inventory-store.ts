/** The stock of one sku; `version` increases with every write (optimistic concurrency). */
export interface StockLevel {
  readonly sku: string;
  readonly quantity: number;
  readonly version: number;
}

export interface InventoryStore {
  get(sku: string): Promise<StockLevel | undefined>;
  /**
   * Writes a stock level if the stored version is still `expectedVersion` (absent: the sku must not exist yet).
   * @returns the written level, or undefined when the condition failed
   */
  set(sku: string, quantity: number, expectedVersion: number | undefined): Promise<StockLevel | undefined>;
}
