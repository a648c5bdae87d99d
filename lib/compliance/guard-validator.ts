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
import { readCacheEntry, writeCacheEntry } from '../private/cache-file';
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
  /** Our own rule files, run on every template beside the Control Tower rules that can fire on it. @default GUARD_RULES_DIR */
  readonly rulesDirectory?: string;
}

/**
 * cfn-guard with the AWS Control Tower proactive rules and ours. Given all templates, the upstream validator runs
 * every rule file against every one of them; this plugin runs it once per template with only the Control Tower rule
 * files that name a resource type present in that template (the others cannot fire): the same violations, per
 * template and rule as upstream reports them, in about a third of the time of all 237 rule files. A template's findings
 * depend only on its bytes, the rule files, the cfn-guard build and this file, so they are kept under a hash of those:
 * templates that are the same in two configurations, or unchanged since the last synth, are validated once.
 * It keeps the upstream plugin's name, so acknowledgements read `cdk-validator-cfnguard::<rule>`.
 */
export class PlatformGuardValidator implements IPolicyValidationPluginBeta1 {
  readonly name = 'cdk-validator-cfnguard';

  constructor(private readonly props: PlatformGuardValidatorProps = {}) {}

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const violations = context.templatePaths.flatMap((templatePath) =>
      this.templateViolations(templatePath, context).map((violation) => ({
        ...violation,
        violatingResources: violation.violatingResources.map((resource) => ({ ...resource, templatePath })),
      })),
    );
    return { success: violations.length === 0, violations };
  }

  /** cfn-guard's violations for one template, from the cache directory when its key is there. */
  private templateViolations(templatePath: string, context: IPolicyValidationContextBeta1): PolicyViolationBeta1[] {
    const template = fs.readFileSync(templatePath);
    const types = new Set(Object.values<{ Type: string }>(JSON.parse(template.toString('utf8')).Resources ?? {}).map((r) => r.Type));
    const rules = [...guardFiles(this.props.rulesDirectory ?? GUARD_RULES_DIR), ...controlTowerRulesFor(types)];
    const hash = createHash('sha256').update(guardBuild());
    for (const rule of rules) hash.update(`\0${path.basename(rule)}\0${ruleText(rule)}`);
    const file =
      this.props.cacheDirectory &&
      path.join(this.props.cacheDirectory, `guard-${hash.update('\0').update(template).digest('hex').slice(0, 40)}.json`);

    const cached = file ? readCacheEntry<PolicyViolationBeta1[]>(file) : undefined;
    if (cached) return cached;
    const { violations } = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules, maxBuffer: 64 * 1024 * 1024 }).validate({
      ...context,
      templatePaths: [templatePath],
    });
    if (file) {
      // Without the template's path: an entry serves any copy of the same bytes.
      const entry = violations.map((v) => ({ ...v, violatingResources: v.violatingResources.map(({ templatePath: _, ...rest }) => rest) }));
      writeCacheEntry(file, entry, (names) => oldestGuardEntries(path.dirname(file), names));
    }
    return violations;
  }
}

/** The guard entries beyond the newest CACHE_ENTRIES in the directory. */
function oldestGuardEntries(directory: string, names: string[]): string[] {
  return names
    .filter((name) => name.startsWith('guard-') && name.endsWith('.json'))
    .map((name) => ({ name, mtime: fs.statSync(path.join(directory, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime)
    .slice(CACHE_ENTRIES - 1)
    .map(({ name }) => name);
}

/** What the findings depend on besides rules and template: the cfn-guard package and binary release, and this file (how it runs them). */
let build: string | undefined;
function guardBuild(): string {
  build ??= [
    fs.readFileSync(path.join(GUARD_PACKAGE_DIR, 'package.json'), 'utf8'),
    fs.readFileSync(path.join(GUARD_PACKAGE_DIR, 'guard-version.json'), 'utf8'),
    fs.readFileSync(path.join(projectRoot(), 'lib', 'compliance', 'guard-validator.ts'), 'utf8'),
  ].join('\0');
  return build;
}
