// The gate's finding logic lives in lib/ (the reviewer report uses it too); tests import it from here.
export { covers, rawGateFindings, unacknowledged } from '../../lib/compliance/gate-findings';
export type { GateFinding as Finding } from '../../lib/compliance/gate-findings';
