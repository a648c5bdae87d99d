import { App, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { Acknowledgement, ACKNOWLEDGEMENTS } from './acknowledgements';
import { PlatformGuardValidator } from './guard-validator';

/** The four cdk-nag packs the gate runs. */
export function nagPacks(scope?: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope), new NIST80053R5Checks(scope), new HIPAASecurityChecks(scope), new PCIDSS321Checks(scope)];
}

/** The cfn-guard validator: AWS Control Tower proactive rules plus ours. */
export function guardValidator(): PlatformGuardValidator {
  return new PlatformGuardValidator();
}

/**
 * Attaches each acknowledgement to its construct. Entries whose construct does not exist in this configuration
 * are skipped and returned, so a test can prove each entry matches a finding in some configuration.
 */
export function applyAcknowledgements(app: App, acknowledgements: readonly Acknowledgement[] = ACKNOWLEDGEMENTS): Acknowledgement[] {
  const byPath = new Map(app.node.findAll().map((c) => [c.node.path, c] as const));
  const skipped: Acknowledgement[] = [];
  for (const ack of acknowledgements) {
    const target = byPath.get(ack.path);
    if (!target) {
      skipped.push(ack);
      continue;
    }
    for (const id of ack.ids) Validations.of(target).acknowledge({ id, reason: ack.reason });
  }
  return skipped;
}

/**
 * The compliance gate: all four cdk-nag packs and cfn-guard run as policy-validation plugins on synth
 * (CloudFormation schema validation is on through the `@aws-cdk/core:validateAgainstDefaultRules` context flag),
 * and any unacknowledged finding fails synth.
 */
export function addComplianceGate(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app), guardValidator());
  applyAcknowledgements(app);
}
