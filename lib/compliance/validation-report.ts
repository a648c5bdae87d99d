import * as fs from 'fs';
import * as path from 'path';

/** Where CDK writes a synthesis's policy-validation report, in the assembly directory. */
export const VALIDATION_REPORT_FILE = 'validation-report.json';

/** Severities that fail the gate; warnings (deprecated properties, construct annotations) do not. */
const FAILING_SEVERITIES = new Set(['error', 'fatal']);

/**
 * The unacknowledged findings of error severity a validation report lists, one line each (`plugin: rule on N
 * resources`). CDK has been seen to conclude "success" for a plugin that still lists an unsuppressed error beside
 * suppressed ones (shared FACTS), so the gate reads the findings themselves rather than the conclusion.
 */
export function unacknowledgedErrors(report: unknown): string[] {
  const plugins = (report as ValidationReport | undefined)?.pluginReports ?? [];
  return plugins.flatMap((plugin) =>
    (plugin.violations ?? [])
      .filter((violation) => FAILING_SEVERITIES.has((violation.severity ?? 'error').toLowerCase()))
      .map(
        (violation) =>
          `${plugin.pluginName}: ${violation.ruleName} on ${(violation.violatingConstructs ?? []).length} resources (${violation.description})`,
      ),
  );
}

/** The part of CDK's validation report (cdk.out/validation-report.json) the gate reads. */
interface ValidationReport {
  readonly pluginReports?: readonly {
    readonly pluginName: string;
    readonly violations?: readonly {
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs?: readonly unknown[];
    }[];
  }[];
}

/** The report a synthesis wrote into `assemblyDirectory`, if any. */
export function readValidationReport(assemblyDirectory: string): unknown {
  const file = path.join(assemblyDirectory, VALIDATION_REPORT_FILE);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}
