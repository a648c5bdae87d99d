import * as secretsManagerSdk from '@aws-sdk/client-secrets-manager';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { mockClient } from 'aws-sdk-client-mock';
import * as vm from 'node:vm';
import { RECEIPT_SIGNING_KEY_SECRET } from '../../lib/catalogue/service-catalogue';
import { PlatformSecret } from '../../lib/constructs/platform-secret';
import { SecretRotation, secretRotationCode } from '../../lib/constructs/secret-rotation';
import { AccessRequest, evaluate } from '../../lib/evidence/policy-evaluator';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { GENERATED_SECRET, rotate, RotationEvent } from '../../lib/private/secret-rotation-function';
import { buildData, DataFixture } from './data-fixture';
import { testApp } from '../support/platform-fixture';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev-platform/orders/receipt-signing-key-AbCdEf';
const OLD = 'old-version';
const NEW = 'new-version';
const sm = mockClient(SecretsManagerClient);
const event = (Step: RotationEvent['Step']): RotationEvent => ({ Step, SecretId: SECRET, ClientRequestToken: NEW });
/** Every call the function made, in order, as [command, input]. */
const calls = () => sm.calls().map((call) => [(call.args[0] as object).constructor.name, (call.args[0] as { input: unknown }).input]);
const describe_ = ['DescribeSecretCommand', { SecretId: SECRET }];

function versions(stages: Record<string, string[]>, RotationEnabled = true): void {
  sm.on(DescribeSecretCommand).resolves({ ARN: SECRET, RotationEnabled, VersionIdsToStages: stages });
}
const rotating = () => versions({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });

beforeEach(() => sm.reset());

describe('the rotation function', () => {
  test('createSecret stores a new random value as the pending version', async () => {
    rotating();
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'no such version', $metadata: {} }));
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'r'.repeat(64) });
    await rotate(new SecretsManagerClient({}), event('createSecret'));
    expect(calls()).toEqual([
      describe_,
      ['GetSecretValueCommand', { SecretId: SECRET, VersionId: NEW, VersionStage: 'AWSPENDING' }],
      ['GetRandomPasswordCommand', { PasswordLength: 64, ExcludePunctuation: true }],
      ['PutSecretValueCommand', { SecretId: SECRET, ClientRequestToken: NEW, SecretString: 'r'.repeat(64), VersionStages: ['AWSPENDING'] }],
    ]);
    expect(GENERATED_SECRET).toEqual({ passwordLength: 64, excludePunctuation: true });
  });

  test('createSecret run again keeps the pending value an earlier attempt stored', async () => {
    rotating();
    sm.on(GetSecretValueCommand).resolves({ VersionId: NEW, SecretString: 'p'.repeat(64) });
    await rotate(new SecretsManagerClient({}), event('createSecret'));
    expect(calls()).toEqual([describe_, ['GetSecretValueCommand', { SecretId: SECRET, VersionId: NEW, VersionStage: 'AWSPENDING' }]]);
  });

  test('createSecret passes on any other error (no value is invented on access denied)', async () => {
    rotating();
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(rotate(new SecretsManagerClient({}), event('createSecret'))).rejects.toThrow('denied');
    expect(calls().map(([command]) => command)).toEqual(['DescribeSecretCommand', 'GetSecretValueCommand']);
  });

  test.each(['setSecret', 'testSecret'] as const)('%s changes nothing: the key is self-contained', async (step) => {
    rotating();
    await rotate(new SecretsManagerClient({}), event(step));
    expect(calls()).toEqual([describe_]);
  });

  test('finishSecret moves AWSCURRENT from the current version to the new one', async () => {
    rotating();
    await rotate(new SecretsManagerClient({}), event('finishSecret'));
    expect(calls()).toEqual([
      describe_,
      ['UpdateSecretVersionStageCommand', { SecretId: SECRET, VersionStage: 'AWSCURRENT', MoveToVersionId: NEW, RemoveFromVersionId: OLD }],
    ]);
  });

  test.each(['createSecret', 'finishSecret'] as const)('%s does nothing once the new version is current', async (step) => {
    versions({ [OLD]: ['AWSPREVIOUS'], [NEW]: ['AWSCURRENT'] });
    await rotate(new SecretsManagerClient({}), event(step));
    expect(calls()).toEqual([describe_]);
  });

  test.each([
    ['rotation is not enabled', () => versions({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] }, false), 'not enabled for rotation'],
    ['the token names no version', () => versions({ [OLD]: ['AWSCURRENT'] }), 'has no version'],
    ['the version is not pending', () => versions({ [OLD]: ['AWSCURRENT'], [NEW]: [] }), 'is not AWSPENDING'],
  ])('refuses to rotate when %s', async (_case, setup, message) => {
    setup();
    await expect(rotate(new SecretsManagerClient({}), event('createSecret'))).rejects.toThrow(message);
    expect(calls()).toEqual([describe_]);
  });
});

describe('the rotation construct', () => {
  const build = (rotateEvery?: Duration) => {
    const stack = new Stack(testApp(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    const secret = new PlatformSecret(stack, 'Key', { secretName: 's', encryptionKey: new kms.Key(stack, 'K'), description: 'd' });
    new SecretRotation(stack, 'Rotation', { logGroup: new logs.LogGroup(stack, 'Logs'), rotateEvery }).rotate(secret);
    return Template.fromStack(stack);
  };

  test('every 30 days by default, or the interval given', () => {
    build().hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
    build(Duration.days(7)).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
  });

  test.each([Duration.hours(36), Duration.days(0), Duration.days(1001)])('refuses an interval of %s with the fix', (interval) => {
    expect(() => build(interval)).toThrow(/use a whole number of days from 1 to 1000/);
  });
});

describe('rotation in the data stack', () => {
  let fixture: DataFixture;
  let template: Template;
  let policies: SynthesizedPolicies;
  beforeAll(() => {
    fixture = buildData({ withIdentity: false });
    template = Template.fromStack(fixture.data);
    policies = SynthesizedPolicies.fromAssembly(fixture.app.synth());
  });
  const secretOf = () => fixture.data.secrets.get('orders')!.get(RECEIPT_SIGNING_KEY_SECRET)!;
  const secretRef = () => fixture.data.resolve(secretOf().secret.secretArn) as unknown;
  const functionLogicalId = () =>
    fixture.data.getLogicalId(fixture.data.node.findChild('SecretRotation').node.findChild('Function').node.defaultChild as never);

  test("orders' receipt-signing key rotates every 30 days with the rotation function, not at deployment", () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: secretRef(),
      RotationLambdaARN: { 'Fn::GetAtt': [functionLogicalId(), 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
  });

  test('Secrets Manager may invoke the function only for the rotated secret', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceArn: secretRef(),
    });
  });

  test('the function logs to an encrypted log group with retention, in JSON', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
    });
    const logGroup = fixture.logging.node.findAll().find((c) => c.node.id === 'SecretRotationLogs')!;
    expect(logGroup).toBeDefined();
    Template.fromStack(fixture.logging).hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({ KmsKeyId: Match.anyValue(), RetentionInDays: Match.anyValue() }),
    });
  });

  test('its role may rotate the secrets it rotates and nothing else', () => {
    const role = fixture.data.node.findChild('SecretRotation').node.findChild('Role');
    const statements = policies.statementsOf(role);
    const region = fixture.config.env.region;
    const secret = policies.resolveToken(fixture.data, secretOf().secret.secretArn);
    const dataKey = policies.resolveToken(fixture.keys, fixture.keys.keys.data.keyArn);
    const logsKey = policies.resolveToken(fixture.logging, fixture.logging.logging.encryptionKey.keyArn);
    const via = (secretArn: string) => ({
      'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
      'kms:EncryptionContext:SecretARN': secretArn,
    });
    const other = `arn:aws:secretsmanager:${region}:${fixture.config.env.account}:secret:dev-platform/inventory/other-AbCdEf`;
    const allow: [string, AccessRequest][] = [
      ...['DescribeSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecretVersionStage'].map((action): [string, AccessRequest] => [
        action,
        { action: `secretsmanager:${action}`, resource: secret },
      ]),
      ['GetRandomPassword', { action: 'secretsmanager:GetRandomPassword', resource: '*' }],
      ['decrypt the secret through Secrets Manager', { action: 'kms:Decrypt', resource: dataKey, context: via(secret) }],
      ['encrypt the new version through Secrets Manager', { action: 'kms:GenerateDataKey', resource: dataKey, context: via(secret) }],
    ];
    const deny: [string, AccessRequest][] = [
      ['read another secret', { action: 'secretsmanager:GetSecretValue', resource: other }],
      ['write another secret', { action: 'secretsmanager:PutSecretValue', resource: other }],
      ['delete the secret', { action: 'secretsmanager:DeleteSecret', resource: secret }],
      ['change its resource policy', { action: 'secretsmanager:PutResourcePolicy', resource: secret }],
      ['turn rotation off', { action: 'secretsmanager:CancelRotateSecret', resource: secret }],
      ['re-point rotation', { action: 'secretsmanager:RotateSecret', resource: secret }],
      ['decrypt with the data key directly', { action: 'kms:Decrypt', resource: dataKey }],
      ["decrypt another secret's value", { action: 'kms:Decrypt', resource: dataKey, context: via(other) }],
      [
        'decrypt through another service',
        { action: 'kms:Decrypt', resource: dataKey, context: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      ],
      ['use the logs key', { action: 'kms:Decrypt', resource: logsKey, context: via(secret) }],
      [
        'read the tables',
        { action: 'dynamodb:GetItem', resource: policies.resolveToken(fixture.data, fixture.data.tables.get('orders')!.table.tableArn) },
      ],
      ['pass roles', { action: 'iam:PassRole', resource: `arn:aws:iam::${fixture.config.env.account}:role/any` }],
    ];
    for (const [description, request] of allow) expect([description, evaluate(statements, request)]).toEqual([description, 'allow']);
    for (const [description, request] of deny) expect([description, evaluate(statements, request)]).toEqual([description, 'implicit-deny']);
  });

  test('the deployed inline code is the tested function, and rotates through the runtime SDK', async () => {
    const fn = template.toJSON().Resources[functionLogicalId()];
    const code: string = fn.Properties.Code.ZipFile;
    expect(code).toBe(secretRotationCode());
    const module = { exports: {} as { handler?: (event: RotationEvent) => Promise<void> } };
    // CommonJS, as Lambda loads an inline index.js; `require` gives the SDK the runtime provides (mocked here).
    const runtimeRequire = (id: string) => {
      if (id !== '@aws-sdk/client-secrets-manager') throw new Error(`the function requires ${id}, which the runtime lacks`);
      return secretsManagerSdk;
    };
    vm.compileFunction(code, ['module', 'exports', 'require', 'process'])(module, module.exports, runtimeRequire, { env: {} });
    rotating();
    await module.exports.handler!(event('finishSecret'));
    expect(calls().map(([command]) => command)).toEqual(['DescribeSecretCommand', 'UpdateSecretVersionStageCommand']);
  });
});
