import { CfnElement } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { SERVICE_CATALOGUE, ServiceDefinition, TableOperation } from '../../lib/catalogue/service-catalogue';
import { DataBucket } from '../../lib/constructs/data-bucket';
import { AccessRequest, evaluate, StatementJson } from '../../lib/evidence/policy-evaluator';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { buildData, DataFixture, platformData } from '../data/data-fixture';

/**
 * Least privilege, proven on the SYNTHESIZED templates: for every service role and the identity-pool role, a table
 * of requests that must be allowed and requests that must be denied, evaluated against the statements the
 * templates hold; plus the exact statements, so any widening fails even where no deny case anticipated it.
 */
let fixture: DataFixture;
let policies: SynthesizedPolicies;
beforeAll(() => {
  fixture = platformData();
  policies = SynthesizedPolicies.fromAssembly(fixture.app.synth());
});

const ALL_ITEM_ACTIONS: readonly string[] = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'ConditionCheckItem',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'DescribeTable',
  'DeleteTable',
  'UpdateTable',
  'ExportTableToPointInTime',
];

/** The ARNs and names the cases refer to, as they appear in the resolved templates. */
function world() {
  const { data, keys, logging, config } = fixture;
  const region = config.env.region;
  const bucketArn = policies.resolveToken(data, data.dataBucket.bucketArn);
  const tableOf = (name: string) => data.tables.get(name)!;
  return {
    region,
    account: config.env.account,
    bucketArn,
    logBucketArn: policies.resolveToken(data, (data.node.findChild('DataBucket') as DataBucket).accessLogBucket.bucketArn),
    dataKeyArn: policies.resolveToken(keys, keys.keys.data.keyArn),
    logsKeyArn: policies.resolveToken(logging, logging.logging.encryptionKey.keyArn),
    tableArn: (name: string) => policies.resolveToken(data, tableOf(name).table.tableArn),
    tableName: (name: string) => tableOf(name).tableName,
    repositoryArn: (name: string) => policies.resolveToken(data, data.repositories.get(name)!.repository.repositoryArn),
    secretArn: (service: string, secret: string) => policies.resolveToken(data, data.secrets.get(service)!.get(secret)!.secret.secretArn),
  };
}

/** What Secrets Manager asks KMS for when it decrypts a secret for a caller. */
const viaSecretsManager = (region: string, secretArn: string) => ({
  'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
  'kms:EncryptionContext:SecretARN': secretArn,
});

type Case = [description: string, request: AccessRequest];

/** Must-allow and must-deny requests for one service, derived from the catalogue. */
function serviceCases(service: ServiceDefinition): { allow: Case[]; deny: Case[] } {
  const w = world();
  const others = SERVICE_CATALOGUE.services.filter((s) => s.name !== service.name);
  const viaDynamo = (table: string) => ({
    'kms:ViaService': `dynamodb.${w.region}.amazonaws.com`,
    'kms:EncryptionContext:aws:dynamodb:tableName': table,
    'kms:EncryptionContext:aws:dynamodb:subscriberId': w.account,
  });
  const viaS3 = (bucketArn: string) => ({
    'kms:ViaService': `s3.${w.region}.amazonaws.com`,
    'kms:EncryptionContext:aws:s3:arn': bucketArn,
  });
  const allow: Case[] = [];
  const deny: Case[] = [
    ['use the logs key', { action: 'kms:Decrypt', resource: w.logsKeyArn, context: viaDynamo(service.name) }],
    ['call KMS directly with the data key', { action: 'kms:Decrypt', resource: w.dataKeyArn }],
    ['manage grants on the data key', { action: 'kms:CreateGrant', resource: w.dataKeyArn, context: viaDynamo(service.name) }],
    ['push images to its repository', { action: 'ecr:PutImage', resource: w.repositoryArn(service.name) }],
    ['pass roles', { action: 'iam:PassRole', resource: `arn:aws:iam::${w.account}:role/any` }],
    ['read the access logs', { action: 's3:GetObject', resource: `${w.logBucketArn}/data/log` }],
    ["read identity-pool users' data", { action: 's3:GetObject', resource: `${w.bucketArn}/users/us-east-1:abc/file` }],
    ['list the whole data bucket', { action: 's3:ListBucket', resource: w.bucketArn }],
  ];
  const ops: readonly TableOperation[] = service.table?.operations ?? [];
  if (service.table) {
    const table = w.tableName(service.name);
    for (const op of ops) allow.push([`${op} on its table`, { action: `dynamodb:${op}`, resource: w.tableArn(service.name) }]);
    allow.push(['decrypt its table through DynamoDB', { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaDynamo(table) }]);
    allow.push([
      'encrypt its table through DynamoDB',
      { action: 'kms:GenerateDataKey', resource: w.dataKeyArn, context: viaDynamo(table) },
    ]);
    for (const action of ALL_ITEM_ACTIONS.filter((a) => !ops.includes(a as TableOperation))) {
      deny.push([`${action} on its table`, { action: `dynamodb:${action}`, resource: w.tableArn(service.name) }]);
    }
  }
  for (const other of others.filter((o) => o.table)) {
    deny.push([`GetItem on the ${other.name} table`, { action: 'dynamodb:GetItem', resource: w.tableArn(other.name) }]);
    deny.push([`PutItem on the ${other.name} table`, { action: 'dynamodb:PutItem', resource: w.tableArn(other.name) }]);
    deny.push([
      `decrypt the ${other.name} table's data`,
      { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaDynamo(w.tableName(other.name)) },
    ]);
  }
  for (const other of others) {
    deny.push([`read the ${other.name}/ prefix`, { action: 's3:GetObject', resource: `${w.bucketArn}/${other.name}/file` }]);
    deny.push([`write the ${other.name}/ prefix`, { action: 's3:PutObject', resource: `${w.bucketArn}/${other.name}/file` }]);
    deny.push([
      `list the ${other.name}/ prefix`,
      { action: 's3:ListBucket', resource: w.bucketArn, context: { 's3:prefix': `${other.name}/` } },
    ]);
  }
  for (const secret of service.secrets ?? []) {
    const arn = w.secretArn(service.name, secret);
    allow.push([`read its ${secret} secret`, { action: 'secretsmanager:GetSecretValue', resource: arn }]);
    allow.push([
      `decrypt its ${secret} secret through Secrets Manager`,
      { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaSecretsManager(w.region, arn) },
    ]);
    deny.push([`change its ${secret} secret`, { action: 'secretsmanager:PutSecretValue', resource: arn }]);
    deny.push([`change the ${secret} secret's policy`, { action: 'secretsmanager:PutResourcePolicy', resource: arn }]);
    deny.push([
      `use the data key through Secrets Manager for another secret`,
      { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaSecretsManager(w.region, `${arn}-other`) },
    ]);
  }
  for (const other of others) {
    for (const secret of other.secrets ?? []) {
      const arn = w.secretArn(other.name, secret);
      deny.push([`read ${other.name}'s ${secret} secret`, { action: 'secretsmanager:GetSecretValue', resource: arn }]);
      deny.push([
        `decrypt ${other.name}'s ${secret} secret`,
        { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaSecretsManager(w.region, arn) },
      ]);
    }
  }
  const machineClientSecret = `arn:aws:secretsmanager:${w.region}:${w.account}:secret:dev-platform/machine-client-AbCdEf`;
  deny.push(['read the machine client secret', { action: 'secretsmanager:GetSecretValue', resource: machineClientSecret }]);
  deny.push(['list every secret', { action: 'secretsmanager:ListSecrets', resource: '*' }]);
  const own = `${w.bucketArn}/${service.name}/file`;
  if (service.ownsDataPrefix) {
    allow.push(['read its prefix', { action: 's3:GetObject', resource: own }]);
    allow.push(['write its prefix', { action: 's3:PutObject', resource: own }]);
    allow.push(['list its prefix', { action: 's3:ListBucket', resource: w.bucketArn, context: { 's3:prefix': `${service.name}/` } }]);
    allow.push(['decrypt bucket objects through S3', { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaS3(w.bucketArn) }]);
    allow.push([
      'encrypt bucket objects through S3',
      { action: 'kms:GenerateDataKey', resource: w.dataKeyArn, context: viaS3(w.bucketArn) },
    ]);
    deny.push(['delete in its prefix', { action: 's3:DeleteObject', resource: own }]);
    deny.push(['read old versions in its prefix', { action: 's3:GetObjectVersion', resource: own }]);
    deny.push([
      'use the data key through S3 for another bucket',
      { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaS3(w.logBucketArn) },
    ]);
  } else {
    deny.push(["read its own name's prefix (it owns none)", { action: 's3:GetObject', resource: own }]);
    deny.push(['use the data key through S3', { action: 'kms:Decrypt', resource: w.dataKeyArn, context: viaS3(w.bucketArn) }]);
  }
  return { allow, deny };
}

/** The exact statements each service role must hold, from the catalogue. */
function expectedServiceStatements(service: ServiceDefinition): StatementJson[] {
  const w = world();
  const statements: StatementJson[] = [];
  if (service.table) {
    statements.push({
      Effect: 'Allow',
      Action: service.table.operations.map((op) => `dynamodb:${op}`),
      Resource: [w.tableArn(service.name)],
    });
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: [w.dataKeyArn],
      Condition: {
        StringEquals: {
          'kms:ViaService': `dynamodb.${w.region}.amazonaws.com`,
          'kms:EncryptionContext:aws:dynamodb:tableName': w.tableName(service.name),
          'kms:EncryptionContext:aws:dynamodb:subscriberId': w.account,
        },
      },
    });
  }
  if (service.ownsDataPrefix) {
    statements.push({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`${w.bucketArn}/${service.name}/*`] });
    statements.push({
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [w.bucketArn],
      Condition: { StringLike: { 's3:prefix': [`${service.name}/*`] } },
    });
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [w.dataKeyArn],
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${w.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': w.bucketArn },
      },
    });
  }
  for (const secret of service.secrets ?? []) {
    const arn = w.secretArn(service.name, secret);
    statements.push({ Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: [arn] });
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [w.dataKeyArn],
      Condition: { StringEquals: viaSecretsManager(w.region, arn) },
    });
  }
  return statements;
}

describe.each(SERVICE_CATALOGUE.services.map((s) => [s.name, s] as const))('%s role', (name, service) => {
  const statements = () => policies.statementsOf(fixture.data.identities.get(name)!.role);

  test('must-allow cases are allowed', () => {
    const { allow } = serviceCases(service);
    expect(allow.length).toBeGreaterThan(0);
    for (const [description, request] of allow) expect([description, evaluate(statements(), request)]).toEqual([description, 'allow']);
  });

  test('must-deny cases are denied', () => {
    for (const [description, request] of serviceCases(service).deny) {
      expect([description, evaluate(statements(), request)]).toEqual([description, 'implicit-deny']);
    }
  });

  test('holds exactly the statements the catalogue implies', () => {
    expect(statements().map(({ Sid, ...s }) => s)).toEqual(expectedServiceStatements(service));
  });
});

describe('identity-pool authenticated role (PlatformIdentity with the data bucket)', () => {
  const identityId = 'us-east-1:11111111-2222-3333-4444-555555555555';
  const as = { 'cognito-identity.amazonaws.com:sub': identityId };
  const statements = () => policies.statementsOf(fixture.identity!.authenticatedRole);

  test('must-allow: its own users/<identity id>/ prefix', () => {
    const w = world();
    const own = `${w.bucketArn}/users/${identityId}/photo.png`;
    const cases: Case[] = [
      ['read own object', { action: 's3:GetObject', resource: own, context: as }],
      ['write own object', { action: 's3:PutObject', resource: own, context: as }],
      ['list own prefix', { action: 's3:ListBucket', resource: w.bucketArn, context: { ...as, 's3:prefix': `users/${identityId}/` } }],
      [
        'decrypt through S3 for the data bucket',
        {
          action: 'kms:Decrypt',
          resource: w.dataKeyArn,
          context: { 'kms:ViaService': `s3.${w.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': w.bucketArn },
        },
      ],
    ];
    for (const [description, request] of cases) expect([description, evaluate(statements(), request)]).toEqual([description, 'allow']);
  });

  test("must-deny: other users, services' prefixes, the whole bucket, tables, other keys, direct KMS", () => {
    const w = world();
    const cases: Case[] = [
      ["read another user's object", { action: 's3:GetObject', resource: `${w.bucketArn}/users/us-east-1:other/photo.png`, context: as }],
      [
        "list another user's prefix",
        { action: 's3:ListBucket', resource: w.bucketArn, context: { ...as, 's3:prefix': 'users/us-east-1:other/' } },
      ],
      ['list the whole bucket', { action: 's3:ListBucket', resource: w.bucketArn, context: as }],
      ['read a user object without an identity', { action: 's3:GetObject', resource: `${w.bucketArn}/users/${identityId}/photo.png` }],
      ...SERVICE_CATALOGUE.services.map((s): Case => [
        `read the ${s.name}/ prefix`,
        { action: 's3:GetObject', resource: `${w.bucketArn}/${s.name}/file`, context: as },
      ]),
      ...[...fixture.data.tables.keys()].map((t): Case => [
        `read the ${t} table`,
        { action: 'dynamodb:GetItem', resource: w.tableArn(t), context: as },
      ]),
      [
        'use the logs key',
        { action: 'kms:Decrypt', resource: w.logsKeyArn, context: { 'kms:ViaService': `s3.${w.region}.amazonaws.com` } },
      ],
      ['call KMS directly with the data key', { action: 'kms:Decrypt', resource: w.dataKeyArn }],
      [
        'use the data key through DynamoDB',
        { action: 'kms:Decrypt', resource: w.dataKeyArn, context: { 'kms:ViaService': `dynamodb.${w.region}.amazonaws.com` } },
      ],
      [
        'use the data key through S3 for another bucket',
        {
          action: 'kms:Decrypt',
          resource: w.dataKeyArn,
          context: {
            'kms:ViaService': `s3.${w.region}.amazonaws.com`,
            'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::someone-elses-bucket',
          },
        },
      ],
      ['read the access logs', { action: 's3:GetObject', resource: `${w.logBucketArn}/data/log`, context: as }],
    ];
    for (const [description, request] of cases)
      expect([description, evaluate(statements(), request)]).toEqual([description, 'implicit-deny']);
  });

  test('holds exactly the user-prefix statements', () => {
    const w = world();
    const prefix = 'users/${cognito-identity.amazonaws.com:sub}/*';
    expect(statements().map(({ Sid, ...s }) => s)).toEqual([
      { Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: [`${w.bucketArn}/${prefix}`] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [w.bucketArn], Condition: { StringLike: { 's3:prefix': [prefix] } } },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [w.dataKeyArn],
        Condition: { StringEquals: { 'kms:ViaService': `s3.${w.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': w.bucketArn } },
      },
    ]);
  });
});

test('in the reference environment each role trusts Pod Identity only for the platform cluster', () => {
  const clusterArn = policies.resolveToken(fixture.data, fixture.cluster.clusterArn);
  expect(clusterArn).toMatch(/^\{\{dev-platform-cluster:/); // the real cluster, across stacks
  const serviceRoleIds = [...fixture.data.identities.values()].map((identity) =>
    fixture.data.getLogicalId(identity.role.node.defaultChild as CfnElement),
  );
  const trusts = policies.allPolicyDocuments().filter((d) => d.type === 'AWS::IAM::Role' && serviceRoleIds.includes(d.logicalId));
  expect(trusts).toHaveLength(SERVICE_CATALOGUE.services.length);
  for (const { statements } of trusts) {
    expect(statements.map((st) => st.Condition)).toEqual([
      {
        StringEquals: { 'aws:SourceAccount': fixture.config.env.account },
        ArnEquals: { 'aws:SourceArn': clusterArn },
      },
    ]);
  }
});

test('the cases are evaluated against synthesized templates, with cross-stack references followed', () => {
  const w = world();
  expect(w.dataKeyArn).toBe(
    `{{${Stack.of(fixture.keys).stackName}:${fixture.keys.getLogicalId(fixture.keys.keys.data.node.defaultChild as never)}.Arn}}`,
  );
});

test('the proof can fail: widening a role with grantReadData lets it Scan, which a must-deny case catches', () => {
  const widened = buildData({ withIdentity: false });
  const identity = widened.data.identities.get('orders')!;
  widened.data.tables.get('orders')!.table.grantReadData(identity);
  const synthesized = SynthesizedPolicies.fromAssembly(widened.app.synth());
  const tableArn = synthesized.resolveToken(widened.data, widened.data.tables.get('orders')!.table.tableArn);
  expect(evaluate(synthesized.statementsOf(identity.role), { action: 'dynamodb:Scan', resource: tableArn })).toBe('allow');
});
