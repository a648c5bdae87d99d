import { SERVICE_CATALOGUE } from '../../../lib/catalogue/service-catalogue';
import { catalogueEntry } from '../../shared/src/catalogue-entry';
import { ServiceServer } from '../../shared/src/http/service-server';
import { Logger } from '../../shared/src/log';
import { createServiceSecurity } from '../../shared/src/service-security';
import { InventoryConfig } from './config';
import { inventoryRoutes } from './inventory-routes';
import { InventoryStore } from './inventory-store';
import { REQUEST_BODY_SCHEMAS } from '../../../lib/catalogue/body-schemas';

export const INVENTORY_SERVICE = catalogueEntry('inventory');

export function createInventoryServer(config: InventoryConfig, store: InventoryStore, logger: Logger): ServiceServer {
  return new ServiceServer({
    catalogue: SERVICE_CATALOGUE,
    service: INVENTORY_SERVICE,
    config: config.shared,
    handlers: inventoryRoutes(store),
    schemas: REQUEST_BODY_SCHEMAS,
    ...createServiceSecurity(config.shared, logger),
    logger,
  });
}
