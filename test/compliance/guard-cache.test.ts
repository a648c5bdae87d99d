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
const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));

/** Two stacks' templates: an unencrypted log group and an unencrypted, unversioned bucket (plus `extra` log groups). */
function templates(extra = 0): { templatePaths: string[]; appConstruct: App } {
  const app = new App({ outdir: tempDir('guard-cache-out'), builtinCloudFormationValidation: false });
  const env = { account: '111111111111', region: 'us-east-1' };
  const logsStack = new Stack(app, 'Logs', { env });
  new logs.LogGroup(logsStack, 'Group', { retention: logs.RetentionDays.INFINITE });
  for (let i = 0; i < extra; i++) new logs.LogGroup(logsStack, `Extra${i}`);
  new s3.Bucket(new Stack(app, 'Storage', { env }), 'Bucket', { encryption: s3.BucketEncryption.UNENCRYPTED });
  const assembly = app.synth();
  return { templatePaths: assembly.stacks.map((stack) => stack.templateFullPath), appConstruct: app };
}

/** Each violation as `rule template#logicalId`, sorted. */
function findings(report: PolicyValidationPluginReportBeta1): string[] {
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${path.basename(r.templatePath ?? '?')}#${r.resourceLogicalId}`))
    .sort();
}

test('per template, with only the rule files that can fire, it finds exactly what the upstream plugin finds over all of them', () => {
  const paths = templates();
  const upstream = new CfnGuardValidator({ controlTowerRulesEnabled: true, rules: [GUARD_RULES_DIR] }).validate(paths);
  const ours = new PlatformGuardValidator().validate(paths);
  expect(findings(ours)).toEqual(findings(upstream));
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
});
