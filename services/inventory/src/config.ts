import { ServiceDefinition } from '../../../lib/catalogue/service-catalogue';
import { SERVICE_ENV } from '../../../lib/catalogue/service-contract';
import { EnvReader } from '../../shared/src/config/env-reader';
import { loadSharedConfig, SharedServiceConfig } from '../../shared/src/config/shared-config';

/** Every environment variable inventory reads (shared ones in loadSharedConfig), validated at start-up. */
export interface InventoryConfig {
  readonly shared: SharedServiceConfig;
  /** TABLE_NAME: the inventory table (partition key `sku`). */
  readonly tableName: string;
}

export function loadInventoryConfig(env: NodeJS.ProcessEnv, service: ServiceDefinition): InventoryConfig {
  const reader = new EnvReader(env);
  return {
    shared: loadSharedConfig(reader, service),
    tableName: reader.required(SERVICE_ENV.tableName, 'set it to the inventory DynamoDB table name'),
  };
}
