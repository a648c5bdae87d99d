import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, PolicyValidationPluginReportBeta1, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GUARD_RULES_DIR, PlatformGuardValidator } from '../../lib/compliance/guard-validator';

/**
 * cfn-guard runs once per template with the rule files that can fire on it, and its findings are kept per template:
 * the findings must be exactly the upstream plugin's (every Control Tower rule and ours over all templates at once),
 * and a kept finding may only be replayed for a byte-identical template.
 */
const created: string[] = [];
const tempDir = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  created.push(dir);
  return dir;
};
afterAll(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Two stacks' templates: an unencrypted log group (plus `extra` ones) and unencrypted, unversioned buckets. */
function templates(extra = 0): { templatePaths: string[]; appConstruct: App } {
  const app = new App({ outdir: tempDir('guard-cache-out'), builtinCloudFormationValidation: false });
  const env = { account: '111111111111', region: 'us-east-1' };
  const logsStack = new Stack(app, 'Logs', { env });
  new logs.LogGroup(logsStack, 'Group', { retention: logs.RetentionDays.INFINITE });
  for (let i = 0; i < extra; i++) new logs.LogGroup(logsStack, `Extra${i}`);
  // A bucket in each stack, so that rules fire in both templates (upstream reports them per template).
  new s3.Bucket(logsStack, 'Bucket', { encryption: s3.BucketEncryption.UNENCRYPTED });
  new s3.Bucket(new Stack(app, 'Storage', { env }), 'Bucket', { encryption: s3.BucketEncryption.UNENCRYPTED });
  const assembly = app.synth();
  return { templatePaths: assembly.stacks.map((stack) => stack.templateFullPath), appConstruct: app };
}

/** Each violating resource as `rule template#logicalId`, sorted. */
function findings(report: PolicyValidationPluginReportBeta1): string[] {
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${path.basename(r.templatePath ?? '?')}#${r.resourceLogicalId}`))
    .sort();
}

/** Each violation as reported: its rule, description, fix and resources (template, logical id, locations), sorted. */
function reportShape(report: PolicyValidationPluginReportBeta1): string[] {
  return report.violations
    .map((v) =>
      JSON.stringify([
        v.ruleName,
        v.description,
        v.fix,
        v.violatingResources.map((r) => [path.basename(r.templatePath ?? '?'), r.resourceLogicalId, r.locations]),
      ]),
    )
    .sort();
}

test('per template, with only the rule files that can fire, it finds exactly what the upstream plugin finds over all of them', () => {
  const paths = templates();
  const upstream = new CfnGuardValidator({ controlTowerRulesEnabled: true, rules: [GUARD_RULES_DIR] }).validate(paths);
  const ours = new PlatformGuardValidator().validate(paths);
  expect(reportShape(ours)).toEqual(reportShape(upstream));
  // Both stacks have findings, ours included, so the comparison covers both templates and both rule sets.
  expect(findings(ours)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^PLATFORM_LOG_GROUP_KMS_ENCRYPTED Logs\.template\.json#Group/),
      expect.stringMatching(/Storage\.template\.json#Bucket/),
    ]),
  );
  expect(ours.success).toBe(false);
});

describe('the per-template cache', () => {
  test('a template validated before is answered from the cache directory, under its own path', () => {
    const cacheDirectory = tempDir('guard-cache');
    const first = templates();
    new PlatformGuardValidator({ cacheDirectory }).validate(first);
    const entries = fs.readdirSync(cacheDirectory);
    expect(entries).toHaveLength(2);
    // Replace every entry's findings with a marker: a second validation that shows the marker read the cache.
    const marker = [{ ruleName: 'FROM_CACHE', description: 'd', violatingResources: [{ resourceLogicalId: 'X', locations: [] }] }];
    for (const entry of entries) fs.writeFileSync(path.join(cacheDirectory, entry), JSON.stringify(marker));
    const again = templates();
    const replayed = new PlatformGuardValidator({ cacheDirectory }).validate(again);
    expect(findings(replayed)).toEqual(['FROM_CACHE Logs.template.json#X', 'FROM_CACHE Storage.template.json#X']);
    expect(replayed.violations.flatMap((v) => v.violatingResources.map((r) => r.templatePath)).sort()).toEqual(
      [...again.templatePaths].sort(),
    );
  });

  test('one changed byte in a template is a miss: that template is validated, the unchanged one replayed', () => {
    const cacheDirectory = tempDir('guard-cache');
    new PlatformGuardValidator({ cacheDirectory }).validate(templates());
    const marker = [{ ruleName: 'FROM_CACHE', description: 'd', violatingResources: [{ resourceLogicalId: 'X', locations: [] }] }];
    for (const entry of fs.readdirSync(cacheDirectory)) fs.writeFileSync(path.join(cacheDirectory, entry), JSON.stringify(marker));
    const changed = findings(new PlatformGuardValidator({ cacheDirectory }).validate(templates(1)));
    expect(changed).toContain('FROM_CACHE Storage.template.json#X');
    expect(changed).not.toContain('FROM_CACHE Logs.template.json#X');
    expect(changed).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PLATFORM_LOG_GROUP_KMS_ENCRYPTED Logs\.template\.json#Extra0/)]),
    );
  });

  test('a changed rule file is a miss: the template is validated again under the new rules', () => {
    const cacheDirectory = tempDir('guard-cache');
    const rules = () => {
      const dir = tempDir('guard-rules');
      fs.cpSync(GUARD_RULES_DIR, dir, { recursive: true });
      return dir;
    };
    new PlatformGuardValidator({ cacheDirectory, rulesDirectory: rules() }).validate(templates());
    const marker = [{ ruleName: 'FROM_CACHE', description: 'd', violatingResources: [{ resourceLogicalId: 'X', locations: [] }] }];
    for (const entry of fs.readdirSync(cacheDirectory)) fs.writeFileSync(path.join(cacheDirectory, entry), JSON.stringify(marker));
    // The same rule files elsewhere are the same rules (a hit); one more line in one of them is not.
    expect(findings(new PlatformGuardValidator({ cacheDirectory, rulesDirectory: rules() }).validate(templates()))[0]).toMatch(
      /^FROM_CACHE/,
    );
    const rulesDirectory = rules();
    const [rule] = fs.readdirSync(rulesDirectory).filter((name) => name.endsWith('.guard'));
    fs.appendFileSync(path.join(rulesDirectory, rule), '\n# one more line\n');
    const after = findings(new PlatformGuardValidator({ cacheDirectory, rulesDirectory }).validate(templates()));
    expect(after.filter((f) => f.startsWith('FROM_CACHE'))).toEqual([]);
    expect(after).toEqual(expect.arrayContaining([expect.stringMatching(/^PLATFORM_LOG_GROUP_KMS_ENCRYPTED Logs\.template\.json#Group/)]));
  });

  test('an unreadable entry stops with the file and the fix named', () => {
    const cacheDirectory = tempDir('guard-cache');
    new PlatformGuardValidator({ cacheDirectory }).validate(templates());
    for (const entry of fs.readdirSync(cacheDirectory)) fs.writeFileSync(path.join(cacheDirectory, entry), '{ half an entry');
    expect(() => new PlatformGuardValidator({ cacheDirectory }).validate(templates())).toThrow(
      new RegExp(`cannot read the cache entry ${cacheDirectory}/guard-[0-9a-f]+\\.json .*: delete ${cacheDirectory} and synthesize again`),
    );
  });
});
