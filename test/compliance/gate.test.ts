import { Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Stack } from 'aws-cdk-lib';
import { Acknowledgement, ACKNOWLEDGEMENTS } from '../../lib/compliance/acknowledgements';
import { addComplianceGate, applyAcknowledgements, guardValidator, nagPacks } from '../../lib/compliance/compliance-gate';
import { createPlatform } from '../../lib/platform';
import { covers, Finding, rawGateFindings, unacknowledged } from '../support/compliance';
import { buildPlatform, testApp, testConfig } from '../support/platform-fixture';

/** Configurations whose findings, together, every acknowledgement must match. */
const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  dev: {},
  prod: { profile: 'prod' },
  isolated: { egress: 'isolated' },
  native: { mtls: 'native' },
};

const findingsByConfig = new Map<string, Finding[]>();
beforeAll(() => {
  for (const [name, context] of Object.entries(CONFIGURATIONS)) {
    findingsByConfig.set(name, rawGateFindings(buildPlatform(context).app));
  }
});

describe('compliance gate', () => {
  test.each(Object.keys(CONFIGURATIONS))('%s: every finding of all four packs and cfn-guard is acknowledged', (name) => {
    const open = unacknowledged(findingsByConfig.get(name)!, ACKNOWLEDGEMENTS);
    expect(open.map((f) => `${f.id} at ${f.path}`)).toEqual([]);
  });

  test('every acknowledgement matches at least one finding in some configuration (no stale entries)', () => {
    const all = [...findingsByConfig.values()].flat();
    const stale = ACKNOWLEDGEMENTS.flatMap((ack) =>
      ack.ids.filter((id) => !all.some((f) => covers({ ...ack, ids: [id] }, f))).map((id) => `${id} at ${ack.path}`));
    expect(stale).toEqual([]);
  });

  test('every acknowledgement gives a reason a reviewer can check', () => {
    for (const ack of ACKNOWLEDGEMENTS) expect(ack.reason.length).toBeGreaterThan(60);
  });

  test('the gate runs all four nag packs and cfn-guard with the Control Tower rules and ours', () => {
    expect(nagPacks().map((p) => p.readPackName)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']);
    // Control Tower rules are listed by the plugin; ours are proven to run by the broken-construct test below.
    expect(guardValidator().ruleIds).toEqual(expect.arrayContaining(['cloudwatchpr3', 'ekspr1', 'kmspr3']));
  });

  test('the real gate (policy-validation plugins) passes synth of the reference environment', () => {
    const { app } = buildPlatform();
    addComplianceGate(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('schema validation is on: CloudFormation validation findings fail synth', () => {
    expect(testApp().node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
  });
});

describe('the gate catches a deliberately broken construct', () => {
  function brokenApp(acks: readonly Acknowledgement[] = ACKNOWLEDGEMENTS) {
    const app = testApp();
    createPlatform(app, testConfig());
    // An unencrypted log group with no retention, as someone bypassing CentralLogging would write it.
    new logs.LogGroup(Stack.of(app.node.findChild('Logging')), 'Unencrypted', { retention: logs.RetentionDays.INFINITE });
    applyAcknowledgements(app, acks);
    return app;
  }

  test('our guard rule, Control Tower and the nag packs all report the unencrypted log group', () => {
    const ids = rawGateFindings(brokenApp()).filter((f) => f.path === 'Logging/Unencrypted/Resource').map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([
      'cdk-validator-cfnguard::PLATFORM_LOG_GROUP_KMS_ENCRYPTED',
      'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'HIPAA.Security-CloudWatchLogGroupEncrypted',
      'PCI.DSS.321-CloudWatchLogGroupEncrypted',
    ]));
  });

  test('and synth with the gate attached fails', () => {
    const app = brokenApp();
    addComplianceGate(app);
    expect(() => app.synth()).toThrow(/PLATFORM_LOG_GROUP_KMS_ENCRYPTED|cloudwatch_log_group_encrypted_check/);
  });

  test('an acknowledgement is honoured only at its own path', () => {
    const app = brokenApp();
    Validations.of(app.node.findChild('Network')).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'wrong place' });
    const open = unacknowledged(rawGateFindings(app), ACKNOWLEDGEMENTS);
    expect(open.some((f) => f.path === 'Logging/Unencrypted/Resource')).toBe(true);
  });
});
