import { createDocumentClient } from '../../shared/src/dynamo';
import { runService } from '../../shared/src/run-service';
import { loadInventoryConfig } from './config';
import { DynamoInventoryStore } from './dynamo-inventory-store';
import { createInventoryServer, INVENTORY_SERVICE } from './inventory-server';

runService('inventory', (env, logger) => {
  const config = loadInventoryConfig(env, INVENTORY_SERVICE);
  return createInventoryServer(config, new DynamoInventoryStore(createDocumentClient(), config.tableName), logger);
});
