import { loadInventoryConfig } from '../../../inventory/src/config';
import { DynamoInventoryStore } from '../../../inventory/src/dynamo-inventory-store';
import { createInventoryServer, INVENTORY_SERVICE } from '../../../inventory/src/inventory-server';
import { createDocumentClient } from '../../src/dynamo';
import { ListeningPorts } from '../../src/http/request-front';
import { ServiceServer } from '../../src/http/service-server';
import { startTestBackends } from './test-backends';
import { TestCognito } from './test-cognito';
import { capturingLogger } from './test-logger';
import { testServiceEnv } from './test-service-env';

export interface RunningService {
  readonly server: ServiceServer;
  readonly ports: ListeningPorts;
  readonly logLines: string[];
}

/** What every service test needs: a temp dir, a local user pool and a DynamoDB emulator (dynalite) with both tables. */
export interface TestPlatform {
  readonly dir: string;
  readonly cognito: TestCognito;
  startInventory(extraEnv?: Record<string, string>): Promise<RunningService>;
  startOrders(extraEnv: Record<string, string>): Promise<RunningService>;
  /** Shuts down every service started here, then the emulator, and removes the temp dir. */
  close(): Promise<void>;
}

export async function createTestPlatform(): Promise<TestPlatform> {
  const backends = await startTestBackends('services-test-');
  const { dir, cognito } = backends;
  const running: ServiceServer[] = [];
  const start = async (name: string, create: (logger: ReturnType<typeof capturingLogger>) => ServiceServer) => {
    const logger = capturingLogger(name);
    const server = create(logger);
    running.push(server);
    return { server, ports: await server.listen('127.0.0.1'), logLines: logger.lines };
  };
  return {
    dir,
    cognito,
    startInventory: (extraEnv = {}) =>
      start('inventory', (logger) =>
        createInventoryServer(
          loadInventoryConfig(testServiceEnv(cognito, { TABLE_NAME: 'inventory', ...extraEnv }), INVENTORY_SERVICE),
          new DynamoInventoryStore(createDocumentClient(), 'inventory'),
          logger,
        ),
      ),
    startOrders: async (extraEnv) => {
      // Loaded on demand: orders pulls in undici, which tests of inventory alone need not pay for.
      const { loadOrdersConfig } = await import('../../../orders/src/config');
      const { DynamoOrderStore } = await import('../../../orders/src/dynamo-order-store');
      const { createOrdersServer, ORDERS_SERVICE } = await import('../../../orders/src/orders-server');
      return start('orders', (logger) =>
        createOrdersServer(
          loadOrdersConfig(testServiceEnv(cognito, { TABLE_NAME: 'orders', ...extraEnv }), ORDERS_SERVICE),
          new DynamoOrderStore(createDocumentClient(), 'orders'),
          logger,
        ),
      );
    },
    close: async () => {
      await Promise.all(running.map((server) => server.shutdown()));
      await backends.close();
    },
  };
}
