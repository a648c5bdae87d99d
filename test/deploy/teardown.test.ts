import { Stack } from 'aws-cdk-lib';
import { buildPlatform, PROD_CONTEXT } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';

/**
 * What `cdk destroy --all` leaves behind, read from the templates: CloudFormation deletes a resource unless its
 * DeletionPolicy says Retain, and cannot delete a bucket or repository that still holds objects or images.
 */
const DATA_TYPES = [
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::ECR::Repository',
  'AWS::Cognito::UserPool',
];

interface Resource {
  readonly stack: string;
  readonly id: string;
  readonly Type: string;
  readonly DeletionPolicy?: string;
  readonly Properties?: any;
}

/** The resources of a supported configuration (prod with image digests, so its Workloads stack is there too). */
function resources(configuration: 'dev' | 'prod'): Resource[] {
  return synthesizedConfiguration(configuration).assembly.stacks.flatMap((stack) =>
    Object.entries<any>(stack.template.Resources ?? {}).map(([id, r]) => ({ stack: stack.stackName, id, ...r })),
  );
}

let dev: Resource[];
let prod: Resource[];
beforeAll(() => {
  dev = resources('dev');
  prod = resources('prod');
});

const ofTypes = (all: Resource[], types: readonly string[]) => all.filter((r) => types.includes(r.Type));
const name = (r: Resource) => `${r.stack}/${r.id}`;

describe('dev: cdk destroy --all removes everything it created', () => {
  test('no resource holding data is retained', () => {
    const data = ofTypes(dev, DATA_TYPES);
    expect(data.length).toBeGreaterThan(10);
    expect(data.filter((r) => r.DeletionPolicy === 'Retain').map(name)).toEqual([]);
  });

  test("every bucket is emptied first (all object versions) by CDK's auto-delete handler", () => {
    const buckets = ofTypes(dev, ['AWS::S3::Bucket']);
    const emptied = ofTypes(dev, ['Custom::S3AutoDeleteObjects']).map((r) => `${r.stack}/${r.Properties.BucketName.Ref}`);
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.map(name).filter((bucket) => !emptied.includes(bucket))).toEqual([]);
  });

  test('every image repository is emptied on delete', () => {
    const repositories = ofTypes(dev, ['AWS::ECR::Repository']);
    expect(repositories.length).toBeGreaterThan(0);
    expect(repositories.filter((r) => r.Properties.EmptyOnDelete !== true).map(name)).toEqual([]);
  });

  test('keys are scheduled for deletion after the shortest waiting period; tables, pool and load balancer are unprotected', () => {
    for (const key of ofTypes(dev, ['AWS::KMS::Key'])) expect(key.Properties.PendingWindowInDays).toBe(7);
    for (const table of ofTypes(dev, ['AWS::DynamoDB::Table'])) expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    for (const pool of ofTypes(dev, ['AWS::Cognito::UserPool'])) expect(pool.Properties.DeletionProtection).toBe('INACTIVE');
    for (const lb of ofTypes(dev, ['AWS::ElasticLoadBalancingV2::LoadBalancer'])) {
      expect(lb.Properties.LoadBalancerAttributes).toContainEqual({ Key: 'deletion_protection.enabled', Value: 'false' });
    }
  });

  test('what stays is account-wide and documented: the API Gateway account logging setting and its role', () => {
    expect(
      dev
        .filter((r) => r.DeletionPolicy === 'Retain')
        .map((r) => r.Type)
        .sort(),
    ).toEqual(['AWS::ApiGateway::Account', 'AWS::IAM::Role']);
  });
});

describe('prod: everything holding data stays', () => {
  test('every bucket, table, key, log group, repository and user pool is retained, on delete and on replacement', () => {
    const data = ofTypes(prod, DATA_TYPES);
    expect(new Set(data.map((r) => r.Type))).toEqual(new Set(DATA_TYPES));
    expect(data.filter((r) => r.DeletionPolicy !== 'Retain' || (r as any).UpdateReplacePolicy !== 'Retain').map(name)).toEqual([]);
  });

  test('nothing empties a bucket or repository, and deletion protection is on', () => {
    expect(ofTypes(prod, ['Custom::S3AutoDeleteObjects'])).toEqual([]);
    expect(ofTypes(prod, ['AWS::ECR::Repository']).filter((r) => r.Properties.EmptyOnDelete === true)).toEqual([]);
    for (const table of ofTypes(prod, ['AWS::DynamoDB::Table'])) expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    for (const pool of ofTypes(prod, ['AWS::Cognito::UserPool'])) expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
  });
});

/** Resources CloudFormation will try to delete (no Retain) while their service refuses it: each fails the stack's deletion. */
function refusingDeletion(all: readonly Resource[]): string[] {
  const refuses = (r: Resource) =>
    (r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' &&
      (r.Properties.LoadBalancerAttributes ?? []).some((a: any) => a.Key === 'deletion_protection.enabled' && a.Value === 'true')) ||
    (r.Type === 'AWS::DynamoDB::Table' && r.Properties.DeletionProtectionEnabled === true) ||
    (r.Type === 'AWS::Cognito::UserPool' && r.Properties.DeletionProtection === 'ACTIVE') ||
    (r.Type === 'AWS::RDS::DBInstance' && r.Properties.DeletionProtection === true);
  return all.filter((r) => r.DeletionPolicy !== 'Retain' && refuses(r)).map((r) => `${r.Type} ${name(r)}`);
}

// Termination protection refuses `cdk destroy` of every prod stack, and the ingress load balancer, which the Edge stack
// deletes rather than keeps, refuses its own deletion (leaving its network interfaces in the workload subnets, so the
// Network stack cannot go either): prod is torn down by deploying once with -c deletionProtection=false.
describe('prod teardown', () => {
  test('by default every stack refuses deletion, and the load balancer is the one deleted resource that refuses it', () => {
    const { platform } = buildPlatform(PROD_CONTEXT);
    const stacks = Object.values(platform).filter((s): s is Stack => s instanceof Stack);
    expect(stacks.length).toBeGreaterThan(5);
    expect(stacks.filter((s) => !s.terminationProtection).map((s) => s.stackName)).toEqual([]);
    expect(refusingDeletion(prod)).toEqual([expect.stringMatching(/^AWS::ElasticLoadBalancingV2::LoadBalancer prod-platform-edge\//)]);
  });

  test('with deletionProtection off, no stack and nothing the stacks delete refuses deletion, and the data stays retained', () => {
    const { app, platform } = buildPlatform({ ...PROD_CONTEXT, deletionProtection: 'false' });
    const stacks = Object.values(platform).filter((s): s is Stack => s instanceof Stack);
    expect(stacks.filter((s) => s.terminationProtection).map((s) => s.stackName)).toEqual([]);
    const all: Resource[] = app
      .synth()
      .stacks.flatMap((stack) =>
        Object.entries<any>(stack.template.Resources ?? {}).map(([id, r]) => ({ stack: stack.stackName, id, ...r })),
      );
    expect(refusingDeletion(all)).toEqual([]);
    expect(
      ofTypes(all, DATA_TYPES)
        .filter((r) => r.DeletionPolicy !== 'Retain')
        .map(name),
    ).toEqual([]);
  });
});
