import { CLUSTER_CONTROLS } from './cluster';
import { DATA_CONTROLS } from './data';
import { DETECTION_CONTROLS } from './detection';
import { EDGE_CONTROLS } from './edge';
import { IDENTITY_CONTROLS } from './identity';
import { NETWORK_CONTROLS } from './network';
import { RESILIENCE_CONTROLS } from './resilience';
import { SecurityControl } from './security-control';
import { SUPPLY_CHAIN_CONTROLS } from './supply-chain';
import { WORKLOAD_CONTROLS } from './workload';

export * from './security-control';

/**
 * Every control of the platform, area by area in `CONTROL_AREAS` order (the order the README table and the report
 * show them in). Each area file exports its controls and their evidence functions.
 */
export const CONTROLS: readonly SecurityControl[] = [
  ...NETWORK_CONTROLS,
  ...IDENTITY_CONTROLS,
  ...CLUSTER_CONTROLS,
  ...WORKLOAD_CONTROLS,
  ...RESILIENCE_CONTROLS,
  ...DATA_CONTROLS,
  ...EDGE_CONTROLS,
  ...DETECTION_CONTROLS,
  ...SUPPLY_CHAIN_CONTROLS,
];
