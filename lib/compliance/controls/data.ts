import { PULL_THROUGH_CACHE_SECRET_PREFIX } from '../../constructs/image-cache';
import { deniesPlainHttp, everyResourceHasPolicy, text } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

export const DATA_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'DATA-1',
    title: 'Customer-managed KMS keys, separated by purpose, rotate yearly',
    category: 'data',
    nist: ['SC-12', 'SC-28'],
    implementedIn: ['lib/constructs/platform-keys.ts', 'lib/private/platform-key.ts'],
    provenBy: { file: 'test/constructs/platform-keys.test.ts', test: 'keys separated by purpose' },
    gateRules: ['KMSBackingKeyRotationEnabled', 'kms_key_rotation_enabled_check'],
    evidence: keysSeparatedByPurposeAndRotated,
  },
  {
    id: 'DATA-2',
    title: 'KMS grants only for AWS resources',
    category: 'data',
    nist: ['AC-6', 'SC-12'],
    implementedIn: ['lib/private/platform-key.ts'],
    provenBy: { file: 'test/constructs/platform-keys.test.ts', test: 'every key denies grants' },
    gateRules: ['kms_create_grant_aws_service_check'],
    evidence: keyGrantsOnlyForAwsResources,
  },
  {
    id: 'DATA-3',
    title: 'Service tables encrypted with the data key, point-in-time recovery on',
    category: 'data',
    nist: ['SC-28', 'CP-9'],
    implementedIn: ['lib/constructs/service-table.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'encrypted with the data key, point-in-time recovery on' },
    gateRules: ['DynamoDBPITREnabled', 'DDB3'],
    evidence: tablesEncryptedWithRecovery,
  },
  {
    id: 'DATA-4',
    title: 'Data bucket: SSE-KMS with the data key, public access blocked, versioned, access-logged, TLS 1.2+ only',
    category: 'data',
    nist: ['SC-28', 'SC-8', 'AC-3', 'AU-12'],
    implementedIn: ['lib/constructs/data-bucket.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'SSE-KMS with the data key and a bucket key' },
    gateRules: [
      'S3BucketSSLRequestsOnly',
      'S10',
      'S3DefaultEncryptionKMS',
      'S3BucketLoggingEnabled',
      'S1',
      'S3BucketVersioningEnabled',
      'S3BucketLevelPublicAccessProhibited',
    ],
    evidence: dataBucketHardened,
  },
  {
    id: 'DATA-5',
    title:
      'Least privilege: service roles hold only customer-managed policies with the actions the catalogue implies, never inline and never "*"',
    category: 'data',
    nist: ['AC-6', 'AC-6(1)', 'AC-3'],
    implementedIn: [
      'lib/constructs/pod-identity-role.ts',
      'lib/private/managed-policy-principal.ts',
      'lib/evidence/policy-evaluator.ts',
      'lib/evidence/wildcard-grants.ts',
    ],
    provenBy: { file: 'test/evidence/least-privilege.test.ts', test: 'must-deny cases are denied' },
    gateRules: ['IAMNoInlinePolicy'],
    evidence: serviceRolesLeastPrivilege,
  },
  {
    id: 'DATA-6',
    title: 'Signed-in users reach only their own users/<identity id>/ prefix of the data bucket',
    category: 'data',
    nist: ['AC-3', 'AC-6'],
    implementedIn: ['lib/constructs/data-bucket.ts', 'lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'signed-in users reach only their own prefix' },
    evidence: usersReachOnlyTheirOwnPrefix,
  },
  {
    id: 'DATA-7',
    title:
      'Every secret the platform holds is in Secrets Manager, encrypted with a platform key (ECR pull-through cache ' +
      'credentials excepted: ECR requires the AWS managed key), its value never in a template ' +
      "or output; only its owner's role reads it (GetSecretValue on that secret, Decrypt only through Secrets Manager for it); " +
      'every secret Secrets Manager generates has a rotation schedule',
    category: 'data',
    nist: ['SC-28', 'SC-12', 'IA-5(7)', 'AC-6'],
    implementedIn: [
      'lib/constructs/platform-secret.ts',
      'lib/constructs/secret-rotation.ts',
      'lib/stacks/edge-stack.ts',
      'lib/stacks/data-stack.ts',
    ],
    provenBy: { file: 'test/evidence/least-privilege.test.ts', test: 'must-deny cases are denied' },
    gateRules: ['SecretsManagerUsingKMSKey'],
    evidence: secretsManagedAndOwnerRead,
  },
];

export function keysSeparatedByPurposeAndRotated({ assembly }: ControlEvidence): boolean {
  return assembly.ofType('AWS::KMS::Key').length >= 4 && assembly.every('AWS::KMS::Key', (p) => p.EnableKeyRotation === true);
}

export function keyGrantsOnlyForAwsResources({ assembly }: ControlEvidence): boolean {
  return assembly.every('AWS::KMS::Key', (p) =>
    (p.KeyPolicy?.Statement ?? []).some((s: any) => s.Effect === 'Deny' && s.Action === 'kms:CreateGrant'),
  );
}

export function tablesEncryptedWithRecovery({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::DynamoDB::Table',
    (p) =>
      p.SSESpecification?.SSEEnabled === true &&
      p.SSESpecification?.SSEType === 'KMS' &&
      p.SSESpecification?.KMSMasterKeyId !== undefined &&
      p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true,
  );
}

export function dataBucketHardened({ assembly }: ControlEvidence): boolean {
  return (
    assembly.some(
      'AWS::S3::Bucket',
      (p) =>
        text(p.BucketEncryption).includes('aws:kms') &&
        p.LoggingConfiguration !== undefined &&
        p.VersioningConfiguration?.Status === 'Enabled',
    ) &&
    assembly.every('AWS::S3::Bucket', (p) =>
      ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every(
        (k) => p.PublicAccessBlockConfiguration?.[k] === true,
      ),
    ) &&
    everyResourceHasPolicy(
      assembly,
      'AWS::S3::Bucket',
      'AWS::S3::BucketPolicy',
      (p) => deniesPlainHttp(p.PolicyDocument, ['s3:*', '*']) && text(p.PolicyDocument).includes('s3:TlsVersion'),
    )
  );
}

export function serviceRolesLeastPrivilege({ assembly }: ControlEvidence): boolean {
  const roles = assembly.ofType('AWS::IAM::Role').filter((r) => r.stack === 'Data');
  // The service roles are the ones pods assume; the Data stack's other roles (secret rotation) are proven on their own.
  const serviceRoles = new Set(
    roles.filter((r) => text(r.properties.AssumeRolePolicyDocument).includes('pods.eks.amazonaws.com')).map((r) => r.logicalId),
  );
  const policies = assembly
    .ofType('AWS::IAM::ManagedPolicy')
    .filter((r) => r.stack === 'Data' && (r.properties.Roles ?? []).some((role: any) => serviceRoles.has(role?.Ref)));
  return (
    roles.length > 0 &&
    roles.every((r) => r.properties.Policies === undefined) &&
    policies.length > 0 &&
    // Action and Resource are each one value or a list; no entry of either may be "*".
    policies.every((p) => (p.properties.PolicyDocument?.Statement ?? []).every((s: any) => ![s.Action, s.Resource].flat().includes('*')))
  );
}

export function usersReachOnlyTheirOwnPrefix({ assembly }: ControlEvidence): boolean {
  return assembly.some('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('users/${cognito-identity.amazonaws.com:sub}'));
}

const statementsOf = (resources: readonly { properties: Record<string, any> }[]): any[] =>
  resources
    .flatMap((r) => [r.properties.PolicyDocument, ...(r.properties.Policies ?? []).map((p: any) => p.PolicyDocument)])
    .flatMap((document) => document?.Statement ?? []);
const allows = (statement: any, action: string) =>
  statement.Effect === 'Allow' &&
  [statement.Action].flat().some((a: string) => a === '*' || a === action || a === `${action.split(':')[0]}:*`);

/**
 * Secrets are in Secrets Manager with a customer-managed key and no literal value; no output names one; every
 * identity statement allowing GetSecretValue names secrets (no wildcard), and every one allowing Decrypt through
 * Secrets Manager is bound to one secret by its encryption context.
 */
export function secretsManagedAndOwnerRead({ assembly }: ControlEvidence): boolean {
  const secrets = assembly.ofType('AWS::SecretsManager::Secret');
  // Pull-through cache credentials are another service's (Docker Hub rotates them) and ECR reads them only under the
  // AWS managed key (its documented requirement); its generated value is a placeholder the operator replaces.
  const pullThroughCredentials = (s: { properties: Record<string, any> }) =>
    String(s.properties.Name ?? '').startsWith(PULL_THROUGH_CACHE_SECRET_PREFIX);
  const secretIds = secrets.map((s) => s.logicalId);
  const statements = statementsOf([
    ...assembly.ofType('AWS::IAM::ManagedPolicy'),
    ...assembly.ofType('AWS::IAM::Policy'),
    ...assembly.ofType('AWS::IAM::Role'),
  ]);
  const outputs = Object.values<any>(assembly.templates).flatMap((t) => Object.values<any>(t.Outputs ?? {}));
  // A generated value is self-contained, so it can rotate; values other systems issue are rotated where they are issued.
  const rotated = new Set(
    assembly
      .ofType('AWS::SecretsManager::RotationSchedule')
      .filter((r) => r.properties.RotationLambdaARN !== undefined && r.properties.RotationRules?.ScheduleExpression !== undefined)
      .map((r) => `${r.stack}/${r.properties.SecretId?.Ref}`),
  );
  return (
    secrets.length > 0 &&
    secrets
      .filter((s) => s.properties.GenerateSecretString !== undefined && !pullThroughCredentials(s))
      .every((s) => rotated.has(`${s.stack}/${s.logicalId}`)) &&
    secrets.every(
      (s) =>
        (pullThroughCredentials(s) || (s.properties.KmsKeyId !== undefined && !text(s.properties.KmsKeyId).includes('alias/aws/'))) &&
        typeof s.properties.SecretString !== 'string',
    ) &&
    outputs.every((o) => !/ClientSecret/.test(text(o.Value)) && !secretIds.some((id) => text(o.Value).includes(`"${id}"`))) &&
    statements
      .filter((st) => allows(st, 'secretsmanager:GetSecretValue'))
      .every((st) => ![st.Resource].flat().some((r: unknown) => typeof r === 'string' && r.includes('*'))) &&
    statements
      .filter((st) => allows(st, 'kms:Decrypt') && text(st.Condition).includes('secretsmanager.'))
      .every((st) => st.Condition?.StringEquals?.['kms:EncryptionContext:SecretARN'] !== undefined)
  );
}
