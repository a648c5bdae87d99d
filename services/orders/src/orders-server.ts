import { adminScopeOf, SERVICE_CATALOGUE, spiffeId } from '../../../lib/catalogue/service-catalogue';
import { catalogueEntry } from '../../shared/src/catalogue-entry';
import { ServiceServer } from '../../shared/src/http/service-server';
import { Logger } from '../../shared/src/log';
import { PeerClient } from '../../shared/src/peer/peer-client';
import { createServiceSecurity } from '../../shared/src/service-security';
import { OrdersConfig } from './config';
import { InventoryClient } from './inventory-client';
import { OrderStore } from './order-store';
import { ordersRoutes } from './orders-routes';
import { REQUEST_BODY_SCHEMAS } from '../../../lib/catalogue/body-schemas';

export const ORDERS_SERVICE = catalogueEntry('orders');
const INVENTORY_SERVICE = catalogueEntry('inventory');

export function createOrdersServer(config: OrdersConfig, store: OrderStore, logger: Logger): ServiceServer {
  const security = createServiceSecurity(config.shared, logger);
  const receiptKey = config.receiptSigningKey;
  receiptKey?.onRefused((reason) => logger.warn('receipt-signing key not reloaded, keeping the current one', { reason }));
  const inventory = new PeerClient({
    name: INVENTORY_SERVICE.name,
    baseUrl: config.inventoryUrl,
    mtls: security.tls && {
      tls: security.tls,
      expectedIdentity: spiffeId(SERVICE_CATALOGUE.trustDomain, INVENTORY_SERVICE.namespace, INVENTORY_SERVICE.name),
    },
    connections: 16,
    attemptTimeoutMs: config.peerTimeoutMs,
    retries: config.peerRetries,
    breakAfter: 5,
    halfOpenAfterMs: 5000,
    logger,
  });
  return new ServiceServer({
    catalogue: SERVICE_CATALOGUE,
    service: ORDERS_SERVICE,
    config: config.shared,
    handlers: ordersRoutes(store, new InventoryClient(inventory), adminScopeOf(ORDERS_SERVICE), receiptKey && (() => receiptKey.current)),
    schemas: REQUEST_BODY_SCHEMAS,
    ...security,
    logger,
    closeOnShutdown: [inventory, { close: async () => receiptKey?.stop() }],
  });
}
