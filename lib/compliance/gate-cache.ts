import {
  CloudFormationValidatePlugin,
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { readCacheEntry, writeCacheEntry } from '../private/cache-file';

/**
 * Replays a validation plugin's report when nothing it reads has changed, so an unchanged re-synth skips the
 * gate's expensive part (CloudFormation schema validation alone costs about 7 s of CPU to start its engine).
 * The key is a hash of everything the report depends on: the plugin's name and version, the versions of the
 * packages that implement the rules, `inputs` (the gate's own sources and rules, the acknowledgements list), every
 * construct path with the rule acknowledgements attached to it (the nag packs read those from the tree, not from
 * the templates), and every template with its account, region and construct path. A changed byte anywhere is a miss
 * and runs the plugin. One entry per plugin is kept (the latest), so the directory stays small; a file another
 * synth removes or replaces meanwhile is a miss, never an error.
 */
export class GateCache {
  private readonly packages: string;

  constructor(
    private readonly directory: string,
    private readonly inputs: string,
  ) {
    this.packages = ['aws-cdk-lib', 'cdk-nag', '@cdklabs/cdk-validator-cfnguard']
      .map((name) => `${name}@${JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version}`)
      .join(',');
  }

  /** The plugin, answering from the cache when it can. */
  wrap(plugin: IPolicyValidationPlugin): IPolicyValidationPlugin {
    return {
      name: plugin.name,
      version: plugin.version,
      ruleIds: plugin.ruleIds,
      validate: (context) => this.report(plugin, context, () => plugin.validate(context)),
    };
  }

  /** `compute`'s report for this plugin and context: from the cache on a hit, stored on a miss. */
  report(
    plugin: IPolicyValidationPlugin,
    context: IPolicyValidationContext,
    compute: () => PolicyValidationPluginReport,
  ): PolicyValidationPluginReport {
    const stacks = context.stackTemplates;
    if (stacks.length === 0) return compute();
    const outdir = path.dirname(stacks[0].templatePath);
    const hash = createHash('sha256').update(JSON.stringify([plugin.name, plugin.version ?? '', this.packages, this.inputs]));
    hash.update(JSON.stringify(acknowledgedRules(context.appConstruct)));
    for (const stack of [...stacks].sort((a, b) => a.templatePath.localeCompare(b.templatePath))) {
      hash.update(JSON.stringify([path.relative(outdir, stack.templatePath), stack.stackConstructPath, stack.accountId, stack.region]));
      hash.update(fs.readFileSync(stack.templatePath));
    }
    const prefix = `${plugin.name.replace(/[^A-Za-z0-9.-]+/g, '_')}-`;
    const file = path.join(this.directory, `${prefix}${hash.digest('hex').slice(0, 32)}.json`);
    const cached = readCacheEntry<PolicyValidationPluginReport>(file);
    if (cached !== undefined) return rebase(cached, (p) => path.join(outdir, p));

    const report = compute();
    writeCacheEntry(
      file,
      rebase(report, (p) => path.relative(outdir, p)),
      (names) => names.filter((name) => name.startsWith(prefix) && name.endsWith('.json')),
    );
    return report;
  }
}

/**
 * CloudFormation schema validation through the cache. A subclass, so CDK sees a registered
 * CloudFormationValidatePlugin and skips its own default instance (and applies the same severity rules by name).
 */
export class CachedCloudFormationValidation extends CloudFormationValidatePlugin {
  constructor(private readonly cache: GateCache) {
    super();
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    return this.cache.report(this, context, () => super.validate(context));
  }
}

/** Each construct path with the rule ids acknowledged on it, in tree order. */
function acknowledgedRules(root: IConstruct | undefined): [string, unknown[]][] {
  if (root === undefined) return [];
  return root.node
    .findAll()
    .map((construct): [string, unknown[]] => [
      construct.node.path,
      construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((entry) => entry.data),
    ])
    .filter(([, acknowledged]) => acknowledged.length > 0);
}

/** The report with every template path mapped (absolute ↔ relative to the cloud assembly). */
function rebase(report: PolicyValidationPluginReport, map: (templatePath: string) => string): PolicyValidationPluginReport {
  return {
    ...report,
    violations: report.violations.map((violation) => ({
      ...violation,
      violatingResources: violation.violatingResources.map((resource) =>
        resource.templatePath === undefined ? resource : { ...resource, templatePath: map(resource.templatePath) },
      ),
    })),
  };
}
