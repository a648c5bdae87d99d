import { SERVICE_CATALOGUE } from '../../../lib/catalogue/service-catalogue';
import { runService } from '../../shared/src/run-service';
import { loadEdgeConfig } from './config';
import { createEdgeServer } from './edge-server';

runService('edge', (env, logger) => createEdgeServer(SERVICE_CATALOGUE, loadEdgeConfig(env, SERVICE_CATALOGUE), logger));
