import { App, CfnElement, Stack } from 'aws-cdk-lib';
import * as path from 'path';
import { Acknowledgement } from './acknowledgements';
import { guardValidator, nagPacks } from './compliance-gate';

/** One finding of the gate before acknowledgements: the id an acknowledgement would name, and where. */
export interface GateFinding {
  readonly id: string;
  readonly path: string;
  readonly description: string;
}

const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/**
 * Every finding the compliance gate raises on an app that has NO acknowledgements applied: the four cdk-nag packs
 * (on the construct tree) and, unless `guard: false`, cfn-guard (on the synthesized templates; up to two seconds
 * per stack, unless `guardCacheDirectory` has the template's findings). Used by the gate tests and the reviewer report, so
 * both see exactly what synth sees.
 */
export function rawGateFindings(app: App, options: { guard?: boolean; guardCacheDirectory?: string } = {}): GateFinding[] {
  // Synthesize first: aspects and property injectors run during synth, and the plugins see their result.
  const assembly = app.synth();
  const findings: GateFinding[] = [];
  for (const pack of nagPacks()) {
    for (const violation of pack.validateScope(app).violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ id: violation.ruleName, path: resource.constructPath ?? '?', description: violation.description });
      }
    }
  }
  if (options.guard === false) return findings;

  const pathByLogicalId = new Map<string, string>();
  for (const construct of app.node.findAll()) {
    if (construct instanceof CfnElement) {
      const stack = Stack.of(construct);
      pathByLogicalId.set(`${stack.templateFile}#${stack.resolve(construct.logicalId)}`, construct.node.path);
    }
  }
  const templatePaths = assembly.stacks.map((stack) => path.join(assembly.directory, stack.templateFile));
  const report = guardValidator(options.guardCacheDirectory).validate({ templatePaths, appConstruct: app });
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      const key = `${path.basename(resource.templatePath)}#${resource.resourceLogicalId}`;
      findings.push({
        id: `${GUARD_PLUGIN}::${violation.ruleName}`,
        path: pathByLogicalId.get(key) ?? key,
        description: violation.description,
      });
    }
  }
  return findings;
}

/** True when the acknowledgement covers the finding: same id, and the finding is at or below its path. */
export function covers(ack: Acknowledgement, finding: GateFinding): boolean {
  return ack.ids.includes(finding.id) && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));
}

/** Findings no acknowledgement covers: the gate fails on any of these. */
export function unacknowledged(findings: readonly GateFinding[], acks: readonly Acknowledgement[]): GateFinding[] {
  return findings.filter((finding) => !acks.some((ack) => covers(ack, finding)));
}

/** The rule a finding id names, without pack prefix or finding suffix: `NIST.800.53.R5-IAMNoInlinePolicy` → `IAMNoInlinePolicy`. */
export function ruleOf(findingId: string): string {
  const guard = findingId.split('::');
  if (guard.length === 2) return guard[1];
  const bracket = findingId.indexOf('[');
  const withoutDetail = bracket >= 0 && findingId.endsWith(']') ? findingId.slice(0, bracket) : findingId;
  return withoutDetail.replace(/^[A-Za-z0-9.]+-/, '');
}
