import { App } from 'aws-cdk-lib';
import { GATE_CACHE_DIR } from '../../lib/app';
import { GateFinding, rawGateFindings as gateFindings } from '../../lib/compliance/gate-findings';

// The gate's finding logic lives in lib/ (the reviewer report uses it too); tests import it from here.
export { covers, unacknowledged } from '../../lib/compliance/gate-findings';
export type { GateFinding as Finding } from '../../lib/compliance/gate-findings';

/**
 * The gate's findings, with cfn-guard's per-template findings kept where `cdk synth` keeps them: a template already
 * validated under the same rules and cfn-guard build is not validated again (test/compliance/guard-cache.test.ts).
 */
export function rawGateFindings(app: App, options: { guard?: boolean } = {}): GateFinding[] {
  return gateFindings(app, { ...options, guardCacheDirectory: GATE_CACHE_DIR });
}
