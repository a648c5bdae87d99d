import { Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as path from 'path';
import { ACKNOWLEDGEMENTS } from '../../lib/compliance/acknowledgements';
import { addComplianceGate, guardValidator, nagPacks } from '../../lib/compliance/compliance-gate';
import { controlTowerRulesFor } from '../../lib/compliance/guard-validator';
import { LoggingStack } from '../../lib/stacks/logging-stack';
import { rawGateFindings, unacknowledged } from '../support/compliance';
import { testApp, testConfig } from '../support/platform-fixture';

// The gate's machinery on small apps; test/compliance/gate.test.ts runs it over the whole platform.
describe('what the gate runs', () => {
  test('the gate runs all four nag packs, and cfn-guard under the upstream plugin name', () => {
    expect(nagPacks().map((p) => p.readPackName)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']);
    expect(guardValidator().name).toBe('cdk-validator-cfnguard');
  });

  test('cfn-guard gets every Control Tower rule that names a resource type present, and no other', () => {
    const names = (types: string[]) => controlTowerRulesFor(new Set(types)).map((file) => path.basename(file));
    expect(names(['AWS::Logs::LogGroup'])).toEqual(expect.arrayContaining(['ct-cloudwatch-pr-2.guard', 'ct-cloudwatch-pr-3.guard']));
    expect(names(['AWS::Logs::LogGroup']).some((n) => n.includes('appsync'))).toBe(false);
    expect(names(['AWS::EKS::Cluster', 'AWS::KMS::Key'])).toEqual(expect.arrayContaining(['ct-eks-pr-1.guard', 'ct-kms-pr-3.guard']));
    expect(names([])).toEqual([]);
  });

  test('schema validation findings are errors (context flag in cdk.json)', () => {
    expect(testApp().node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
  });
});

describe('the gate as synth runs it (policy-validation plugins)', () => {
  /**
   * The logging stack alone, optionally with an unencrypted, never-expiring log group bypassing CentralLogging.
   * CloudFormation schema validation (about half a second per synth) only where a test asks: the findings asserted
   * below come from the gate's plugins, not from it.
   */
  function loggingApp(broken: boolean, schemaValidation = false) {
    const app = testApp({}, { schemaValidation });
    const stack = new LoggingStack(app, 'Logging', {
      env: { account: '111111111111', region: 'us-east-1' },
      logging: testConfig().logging,
      retainLogs: false,
    });
    if (broken) new logs.LogGroup(stack, 'Unencrypted', { retention: logs.RetentionDays.INFINITE });
    return { app, stack };
  }

  test('a compliant app synthesizes with the gate attached', () => {
    const { app } = loggingApp(false, true);
    addComplianceGate(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('a deliberately unencrypted log group fails synth, reported by our rule, Control Tower and the nag packs', () => {
    const { app } = loggingApp(true);
    const ids = rawGateFindings(loggingApp(true).app)
      .filter((f) => f.path === 'Logging/Unencrypted/Resource')
      .map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'cdk-validator-cfnguard::PLATFORM_LOG_GROUP_KMS_ENCRYPTED',
        'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
        'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
        'HIPAA.Security-CloudWatchLogGroupEncrypted',
        'PCI.DSS.321-CloudWatchLogGroupEncrypted',
      ]),
    );
    addComplianceGate(app);
    expect(() => app.synth()).toThrow(/PLATFORM_LOG_GROUP_KMS_ENCRYPTED/);
  });

  test('an acknowledgement elsewhere does not hide the finding', () => {
    const { app, stack } = loggingApp(true);
    Validations.of(Stack.of(stack).node.findChild('CentralLogging')).acknowledge({
      id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      reason: 'acknowledged on a sibling, so it must not apply',
    });
    const open = unacknowledged(rawGateFindings(app, { guard: false }), ACKNOWLEDGEMENTS);
    expect(open.map((f) => f.id)).toContain('NIST.800.53.R5-CloudWatchLogGroupEncrypted');
  });
});
