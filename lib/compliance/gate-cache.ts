import { CloudFormationValidatePlugin, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Replays a validation plugin's report when nothing it reads has changed, so an unchanged re-synth skips the
 * gate's expensive part (CloudFormation schema validation alone costs about 7 s of CPU to start its engine).
 * The key is a hash of everything the report depends on: the plugin's name and version, the versions of the
 * packages that implement the rules, `inputs` (the acknowledgements, our guard rules), and every template with its
 * account, region and construct path. A changed byte anywhere is a miss and runs the plugin.
 * One entry per plugin is kept (the latest), so the directory stays small.
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
    for (const stack of [...stacks].sort((a, b) => a.templatePath.localeCompare(b.templatePath))) {
      hash.update(JSON.stringify([path.relative(outdir, stack.templatePath), stack.stackConstructPath, stack.accountId, stack.region]));
      hash.update(fs.readFileSync(stack.templatePath));
    }
    const prefix = `${plugin.name.replace(/[^A-Za-z0-9.-]+/g, '_')}-`;
    const file = path.join(this.directory, `${prefix}${hash.digest('hex').slice(0, 32)}.json`);
    if (fs.existsSync(file)) return rebase(JSON.parse(fs.readFileSync(file, 'utf8')), (p) => path.join(outdir, p));

    const report = compute();
    fs.mkdirSync(this.directory, { recursive: true });
    for (const old of fs.readdirSync(this.directory).filter((name) => name.startsWith(prefix))) fs.rmSync(path.join(this.directory, old));
    const temporary = `${file}.${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify(rebase(report, (p) => path.relative(outdir, p))));
    fs.renameSync(temporary, file);
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
