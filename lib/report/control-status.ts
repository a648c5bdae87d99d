import { Acknowledgement } from '../compliance/acknowledgements';
import { ControlEvidence, SecurityControl } from '../compliance/controls';
import { covers, GateFinding, ruleOf } from '../compliance/gate-findings';

export type ControlState = 'passing' | 'acknowledged' | 'failing';

export interface ControlStatus {
  readonly control: SecurityControl;
  readonly state: ControlState;
  /** Why it is failing: a missing control, or gate findings on its rules that nobody acknowledged. */
  readonly failures: readonly string[];
  /** Acknowledged findings on its rules, with the reviewer-facing reason. */
  readonly acknowledgements: readonly { readonly finding: string; readonly reason: string }[];
}

/**
 * A control's status in this synthesized environment: failing when its evidence is absent or a gate rule that
 * checks it has an unacknowledged finding; acknowledged when its rules only have acknowledged findings; else passing.
 */
export function controlStatus(
  control: SecurityControl,
  evidence: ControlEvidence,
  findings: readonly GateFinding[],
  acknowledgements: readonly Acknowledgement[],
): ControlStatus {
  const failures: string[] = [];
  const acknowledged: { finding: string; reason: string }[] = [];
  if (!control.evidence(evidence)) failures.push('not found in the synthesized environment');
  const rules = new Set(control.gateRules ?? []);
  for (const finding of findings.filter((f) => rules.has(ruleOf(f.id)))) {
    const ack = acknowledgements.find((a) => covers(a, finding));
    if (ack) acknowledged.push({ finding: `${finding.id} at ${finding.path}`, reason: ack.reason });
    else failures.push(`${finding.id} at ${finding.path}`);
  }
  const state: ControlState = failures.length > 0 ? 'failing' : acknowledged.length > 0 ? 'acknowledged' : 'passing';
  return { control, state, failures, acknowledgements: acknowledged };
}
