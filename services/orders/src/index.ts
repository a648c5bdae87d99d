import { createDocumentClient } from '../../shared/src/dynamo';
import { runService } from '../../shared/src/run-service';
import { loadOrdersConfig } from './config';
import { DynamoOrderStore } from './dynamo-order-store';
import { createOrdersServer, ORDERS_SERVICE } from './orders-server';

runService('orders', (env, logger) => {
  const config = loadOrdersConfig(env, ORDERS_SERVICE);
  return createOrdersServer(config, new DynamoOrderStore(createDocumentClient(), config.tableName), logger);
});
