import { App, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import * as fs from 'fs';
import * as path from 'path';
import { Acknowledgement, ACKNOWLEDGEMENTS } from './acknowledgements';
import { CachedCloudFormationValidation, GateCache } from './gate-cache';
import { GUARD_RULES_DIR, PlatformGuardValidator } from './guard-validator';
import { projectRoot } from '../private/project-root';

/** Where the gate's own sources are, read into the cache key (the running code may be a bundle of them). */
const GATE_SOURCES_DIR = path.join(projectRoot(), 'lib', 'compliance');

/** The four cdk-nag packs the gate runs. */
export function nagPacks(scope?: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope), new NIST80053R5Checks(scope), new HIPAASecurityChecks(scope), new PCIDSS321Checks(scope)];
}

/** The cfn-guard validator: AWS Control Tower proactive rules plus ours; `cacheDirectory` keeps each template's findings. */
export function guardValidator(cacheDirectory?: string): PlatformGuardValidator {
  return new PlatformGuardValidator({ cacheDirectory });
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

export interface ComplianceGateOptions {
  /**
   * A directory where each plugin's report is kept, keyed by everything it reads, so an unchanged re-synth replays
   * it (see GateCache), and cfn-guard's findings per template (see PlatformGuardValidator). `cdk synth` uses one.
   * @default - no cache: every plugin runs
   */
  readonly cacheDirectory?: string;
}

/**
 * The compliance gate: all four cdk-nag packs and cfn-guard run as policy-validation plugins on synth, with
 * CloudFormation schema validation (the built-in plugin, or its cached subclass; errors fail synth through the
 * `@aws-cdk/core:validateAgainstDefaultRules` context flag), and any unacknowledged finding fails synth.
 */
export function addComplianceGate(app: App, options: ComplianceGateOptions = {}): void {
  const plugins = [...nagPacks(app), guardValidator(options.cacheDirectory)];
  if (options.cacheDirectory === undefined) {
    Validations.of(app).addPlugins(...plugins);
  } else {
    const cache = new GateCache(options.cacheDirectory, gateInputs());
    Validations.of(app).addPlugins(...plugins.map((plugin) => cache.wrap(plugin)));
    // `cdk synth --no-validation` sets CDK_VALIDATION=false; a registered subclass would otherwise ignore it.
    if (process.env.CDK_VALIDATION !== 'false') Validations.of(app).addPlugins(new CachedCloudFormationValidation(cache));
  }
  applyAcknowledgements(app);
}

/**
 * What the gate's reports depend on besides the templates, the tree's acknowledgements and the rule packages: our
 * guard rules, the acknowledgements list, and the gate's own code (which packs run, which rule files cfn-guard gets),
 * so changing how the gate runs is a miss too.
 */
function gateInputs(): string {
  const contents = (dir: string, names: readonly string[]) => names.map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]);
  const rules = contents(GUARD_RULES_DIR, fs.readdirSync(GUARD_RULES_DIR).sort());
  const gateSources = contents(GATE_SOURCES_DIR, ['compliance-gate.ts', 'guard-validator.ts', 'gate-cache.ts']);
  return JSON.stringify({ acknowledgements: ACKNOWLEDGEMENTS, rules, gateSources });
}
