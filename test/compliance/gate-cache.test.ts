import {
  App,
  CloudFormationValidatePlugin,
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CachedCloudFormationValidation, GateCache } from '../../lib/compliance/gate-cache';

/**
 * The gate's cache may only ever replay a report for byte-identical inputs: anything a plugin reads (a template,
 * its account or region, the acknowledgements and rules, the plugin) changing must run the plugin again.
 */
const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));

/** A stack with one log group; `retention` changes one byte of its template, `acknowledge` only the construct tree. */
function templates(retention: logs.RetentionDays, region = 'us-east-1', acknowledge?: string): IPolicyValidationContext {
  const app = new App({ outdir: tempDir('gate-cache-out'), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Logs', { env: { account: '111111111111', region } });
  const group = new logs.LogGroup(stack, 'Group', { retention });
  if (acknowledge) Validations.of(group).acknowledge({ id: acknowledge, reason: 'a reason long enough to be one' });
  const assembly = app.synth();
  const stackTemplates = assembly.stacks.map((s) => ({
    stackConstructPath: s.hierarchicalId,
    templatePath: s.templateFullPath,
    accountId: s.environment.account,
    region: s.environment.region,
  }));
  return { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates, appConstruct: app } as IPolicyValidationContext;
}

/** A plugin that counts its runs and reports one violation on the first template. */
function countingPlugin(name = 'Counting'): IPolicyValidationPlugin & { runs: number } {
  const plugin = {
    name,
    version: '1.0.0',
    runs: 0,
    validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
      plugin.runs += 1;
      return {
        success: false,
        violations: [
          {
            ruleName: 'R1',
            description: 'd',
            severity: 'error',
            violatingResources: [{ resourceLogicalId: 'GroupA', templatePath: context.templatePaths[0], locations: ['Properties'] }],
          },
        ],
      };
    },
  };
  return plugin;
}

test('identical templates replay the report, with template paths in the new cloud assembly', () => {
  const cache = new GateCache(tempDir('gate-cache'), 'inputs');
  const plugin = countingPlugin();
  const first = templates(logs.RetentionDays.ONE_YEAR);
  const second = templates(logs.RetentionDays.ONE_YEAR);
  expect(path.dirname(first.templatePaths[0])).not.toBe(path.dirname(second.templatePaths[0]));
  cache.wrap(plugin).validate(first);
  const replayed = cache.wrap(plugin).validate(second);
  expect(plugin.runs).toBe(1);
  expect(replayed.violations[0].violatingResources[0].templatePath).toBe(second.templatePaths[0]);
  expect(replayed.success).toBe(false);
});

const cacheDir = tempDir('gate-cache-shared');

test.each<[string, (cache: GateCache) => [IPolicyValidationPlugin & { runs: number }, GateCache, IPolicyValidationContext]]>([
  ['a changed template', (cache) => [countingPlugin(), cache, templates(logs.RetentionDays.TWO_YEARS)]],
  ['another region', (cache) => [countingPlugin(), cache, templates(logs.RetentionDays.ONE_YEAR, 'eu-west-1')]],
  // The nag packs read acknowledgements from the tree: identical templates with a new one must not replay.
  [
    'an acknowledgement in the construct tree',
    (cache) => [countingPlugin(), cache, templates(logs.RetentionDays.ONE_YEAR, 'us-east-1', 'R1')],
  ],
  [
    'changed acknowledgements or rules',
    () => [countingPlugin(), new GateCache(cacheDir, 'other inputs'), templates(logs.RetentionDays.ONE_YEAR)],
  ],
])('%s runs the plugin again', (_name, setup) => {
  const cache = new GateCache(cacheDir, 'inputs');
  const seed = countingPlugin();
  cache.wrap(seed).validate(templates(logs.RetentionDays.ONE_YEAR));
  const [plugin, other, context] = setup(cache);
  other.wrap(plugin).validate(context);
  expect(plugin.runs).toBe(1);
});

test('two plugins never share an entry, and each keeps only its latest', () => {
  const dir = tempDir('gate-cache');
  const cache = new GateCache(dir, 'inputs');
  const a = countingPlugin('A');
  const b = countingPlugin('B');
  cache.wrap(a).validate(templates(logs.RetentionDays.ONE_YEAR));
  cache.wrap(b).validate(templates(logs.RetentionDays.ONE_YEAR));
  cache.wrap(a).validate(templates(logs.RetentionDays.TWO_YEARS));
  expect([a.runs, b.runs]).toEqual([2, 1]);
  expect(
    fs
      .readdirSync(dir)
      .map((name) => name.split('-')[0])
      .sort(),
  ).toEqual(['A', 'B']);
});

test("cleaning up old entries leaves another synth's file in progress alone", () => {
  const dir = tempDir('gate-cache');
  const cache = new GateCache(dir, 'inputs');
  const plugin = countingPlugin('A');
  cache.wrap(plugin).validate(templates(logs.RetentionDays.ONE_YEAR));
  const inProgress = path.join(dir, 'A-0123.json.99999');
  fs.writeFileSync(inProgress, '{}');
  cache.wrap(plugin).validate(templates(logs.RetentionDays.TWO_YEARS));
  expect(plugin.runs).toBe(2);
  expect(fs.existsSync(inProgress)).toBe(true);
});

describe('schema validation through the cache', () => {
  test('replaces the built-in plugin (a CloudFormationValidatePlugin of the same name) so it runs once, not twice', () => {
    const plugin = new CachedCloudFormationValidation(new GateCache(tempDir('gate-cache'), 'inputs'));
    expect(plugin).toBeInstanceOf(CloudFormationValidatePlugin);
    expect(plugin.name).toBe(CloudFormationValidatePlugin.PLUGIN_NAME);
  });

  test('a replayed schema error still fails synth', () => {
    // Seed the cache with an error for exactly these templates (running the real engine costs ~7 s of CPU).
    const dir = tempDir('gate-cache');
    const seedContext = templates(logs.RetentionDays.ONE_YEAR);
    const cache = new GateCache(dir, 'inputs');
    const seeded = new CachedCloudFormationValidation(cache);
    cache.report(seeded, seedContext, () => ({
      success: false,
      violations: [
        {
          ruleName: 'E3002',
          description: 'Retention: not a number',
          severity: 'error',
          violatingResources: [{ resourceLogicalId: 'GroupA', templatePath: seedContext.templatePaths[0], locations: [] }],
        },
      ],
    }));

    const outdir = tempDir('gate-cache-out');
    const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
    new logs.LogGroup(new Stack(app, 'Logs', { env: { account: '111111111111', region: 'us-east-1' } }), 'Group', {
      retention: logs.RetentionDays.ONE_YEAR,
    });
    Validations.of(app).addPlugins(new CachedCloudFormationValidation(new GateCache(dir, 'inputs')));
    expect(() => app.synth()).toThrow(/Retention: not a number \(CloudFormation Validate\)/);
    const reports: { pluginName: string; violations: { ruleName: string }[] }[] = JSON.parse(
      fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
    ).pluginReports;
    // One schema report, the replayed one: the built-in instance did not run beside it.
    expect(
      reports.filter((r) => r.pluginName === CloudFormationValidatePlugin.PLUGIN_NAME).map((r) => r.violations.map((v) => v.ruleName)),
    ).toEqual([['E3002']]);
  });
});
