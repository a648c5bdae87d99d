import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../private/project-root';

/** Our own cfn-guard rules, for controls the packs miss. */
export const GUARD_RULES_DIR = path.join(projectRoot(), 'lib', 'compliance', 'guard-rules');

const GUARD_PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));

/** The AWS Control Tower proactive rules shipped inside @cdklabs/cdk-validator-cfnguard. */
export const CONTROL_TOWER_RULES_DIR = path.join(GUARD_PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** Entries a cache directory keeps before the oldest go (each is one template's findings, a few kB). */
const CACHE_ENTRIES = 400;

function guardFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.guard'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Each rule file's text, read once per process (rule files do not change while a process runs). */
const ruleTexts = new Map<string, string>();
function ruleText(file: string): string {
  let text = ruleTexts.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    ruleTexts.set(file, text);
  }
  return text;
}

/** The Control Tower rule files that name at least one of the given resource types; the others cannot fire. */
export function controlTowerRulesFor(resourceTypes: ReadonlySet<string>): string[] {
  return guardFiles(CONTROL_TOWER_RULES_DIR).filter((file) =>
    (ruleText(file).match(RESOURCE_TYPE) ?? []).some((type) => resourceTypes.has(type)),
  );
}

export interface PlatformGuardValidatorProps {
  /** Where each template's findings are kept under the hash of all they depend on, so an unchanged template is not validated again. @default - none: every template is validated */
  readonly cacheDirectory?: string;
}

/**
 * cfn-guard with the AWS Control Tower proactive rules and ours. The validator runs every rule file against every
 * template it is given, so this plugin runs it once per template with only the rule files that name a resource
 * type present in that template (the others cannot fire): the same findings, about three times faster. A template's
 * findings depend only on its bytes, the rule files and the cfn-guard build, so they are reused under a hash of
 * those: templates that are the same in two configurations, or unchanged since the last synth, are validated once.
 * It keeps the upstream plugin's name, so acknowledgements read `cdk-validator-cfnguard::<rule>`.
 */
export class PlatformGuardValidator implements IPolicyValidationPluginBeta1 {
  readonly name = 'cdk-validator-cfnguard';

  constructor(private readonly props: PlatformGuardValidatorProps = {}) {}

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const violations = new Map<string, PolicyViolationBeta1>();
    for (const templatePath of context.templatePaths) {
      for (const violation of this.templateViolations(templatePath, context)) {
        const resources = violation.violatingResources.map((resource) => ({ ...resource, templatePath }));
        const seen = violations.get(violation.ruleName);
        violations.set(
          violation.ruleName,
          seen
            ? { ...seen, violatingResources: [...seen.violatingResources, ...resources] }
            : { ...violation, violatingResources: resources },
        );
      }
    }
    return { success: violations.size === 0, violations: [...violations.values()] };
  }

  /** cfn-guard's violations for one template, from the cache directory when its key is there. */
  private templateViolations(templatePath: string, context: IPolicyValidationContextBeta1): PolicyViolationBeta1[] {
    const template = fs.readFileSync(templatePath);
    const types = new Set(Object.values<{ Type: string }>(JSON.parse(template.toString('utf8')).Resources ?? {}).map((r) => r.Type));
    const rules = [...guardFiles(GUARD_RULES_DIR), ...controlTowerRulesFor(types)];
    const hash = createHash('sha256').update(guardBuild());
    for (const rule of rules) hash.update(`\0${path.basename(rule)}\0${ruleText(rule)}`);
    const key = hash.update('\0').update(template).digest('hex').slice(0, 40);

    const cached = this.readCached(key);
    if (cached) return cached;
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules, maxBuffer: 64 * 1024 * 1024 }).validate({
      ...context,
      templatePaths: [templatePath],
    });
    this.writeCached(key, report.violations);
    return report.violations;
  }

  private cacheFile(key: string): string | undefined {
    return this.props.cacheDirectory === undefined ? undefined : path.join(this.props.cacheDirectory, `guard-${key}.json`);
  }

  private readCached(key: string): PolicyViolationBeta1[] | undefined {
    const file = this.cacheFile(key);
    if (file === undefined) return undefined;
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      // Absent, or removed by another synth's clean-up meanwhile: validate.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Stores the violations (written aside and renamed, so a concurrent reader never sees half a file); keeps the newest entries. */
  private writeCached(key: string, violations: PolicyViolationBeta1[]): void {
    const file = this.cacheFile(key);
    if (file === undefined) return;
    const directory = path.dirname(file);
    fs.mkdirSync(directory, { recursive: true });
    const temporary = `${file}.${process.pid}`;
    const withoutPaths = violations.map((v) => ({
      ...v,
      violatingResources: v.violatingResources.map(({ templatePath: _, ...rest }) => rest),
    }));
    fs.writeFileSync(temporary, JSON.stringify(withoutPaths));
    fs.renameSync(temporary, file);
    const entries = fs
      .readdirSync(directory)
      .filter((name) => name.startsWith('guard-') && name.endsWith('.json'))
      .flatMap((name) => {
        try {
          return [{ name, mtime: fs.statSync(path.join(directory, name)).mtimeMs }];
        } catch {
          return [];
        }
      })
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of entries.slice(CACHE_ENTRIES)) fs.rmSync(path.join(directory, old.name), { force: true });
  }
}

/** The cfn-guard build the validator runs: its package's version and the bundled binary's release. */
let build: string | undefined;
function guardBuild(): string {
  build ??= [
    fs.readFileSync(path.join(GUARD_PACKAGE_DIR, 'package.json'), 'utf8'),
    fs.readFileSync(path.join(GUARD_PACKAGE_DIR, 'guard-version.json'), 'utf8'),
  ].join('\0');
  return build;
}
