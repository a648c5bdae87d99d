import { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { buildData, DataFixture } from './data-fixture';
import { PROD_CONTEXT } from '../support/platform-fixture';

let dev: DataFixture;
let prod: DataFixture;
let devTemplate: Template;
let prodTemplate: Template;
beforeAll(() => {
  dev = buildData({ withIdentity: false });
  prod = buildData({ context: PROD_CONTEXT, withIdentity: false });
  devTemplate = Template.fromStack(dev.data);
  prodTemplate = Template.fromStack(prod.data);
});

const dataKeyArn = (f: DataFixture) => f.data.resolve(f.keys.keys.data.keyArn);

describe('service tables', () => {
  test('one table per service that declares one, named from the catalogue', () => {
    devTemplate.resourceCountIs('AWS::DynamoDB::Table', REFERENCE_CATALOGUE.services.filter((s) => s.table).length);
    devTemplate.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'dev-platform-data-orders' });
    expect([...dev.data.tables.keys()]).toEqual(['orders', 'inventory']);
  });

  test('encrypted with the data key, point-in-time recovery on, on-demand', () => {
    devTemplate.allResourcesProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: dataKeyArn(dev) },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('prod: deletion protection and RETAIN; dev: neither', () => {
    prodTemplate.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    devTemplate.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('data bucket', () => {
  test('SSE-KMS with the data key and a bucket key, public access blocked, ACLs off, versioned', () => {
    devTemplate.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: dataKeyArn(dev) },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  test('server access logs go to the log bucket, and lifecycle rules bound both buckets', () => {
    const logBucket = dev.data.getLogicalId(dev.data.node.findChild('DataBucket').node.findChild('AccessLogs').node.defaultChild as never);
    devTemplate.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucket }, LogFilePrefix: 'data/' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ],
      },
    });
    devTemplate.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicPolicy: true }),
    });
  });

  test('both buckets deny requests without TLS 1.2', () => {
    devTemplate.resourceCountIs('AWS::S3::BucketPolicy', 2);
    devTemplate.allResourcesProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('prod keeps both buckets', () => {
    prodTemplate.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});

describe('identity-pool users', () => {
  test('signed-in users reach only their own prefix of the data bucket, with exact actions', () => {
    const template = Template.fromStack(buildData().data);
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .map((p) => p.Properties)
      .filter((p) => p.Description?.startsWith('Signed-in users'));
    expect(policies).toHaveLength(1);
    const statements = policies[0].PolicyDocument.Statement;
    const text = JSON.stringify(statements);
    expect(text).not.toMatch(/s3:\*|s3:[A-Za-z]+\*|kms:\*/);
    expect([...statements[0].Action].sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(statements[0].Resource)).toContain('/users/${cognito-identity.amazonaws.com:sub}/*');
    expect(statements[1]).toMatchObject({
      Action: 's3:ListBucket',
      Condition: { StringLike: { 's3:prefix': ['users/${cognito-identity.amazonaws.com:sub}/*'] } },
    });
    expect(statements[2]).toMatchObject({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    expect(statements[2].Condition.StringEquals['kms:ViaService']).toBe('s3.us-east-1.amazonaws.com');
    expect(statements[2].Condition.StringEquals['kms:EncryptionContext:aws:s3:arn']).toBeDefined();
  });
});

describe('image repositories', () => {
  test('one per service: KMS with the data key, scan on push, immutable tags, lifecycle', () => {
    devTemplate.resourceCountIs('AWS::ECR::Repository', REFERENCE_CATALOGUE.services.length);
    devTemplate.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'dev-platform-data/orders',
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: dataKeyArn(dev) },
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
      LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('"tagStatus":"untagged"') },
    });
  });
});

describe('service identities', () => {
  test('one Pod Identity association per service account, on the cluster', () => {
    for (const service of REFERENCE_CATALOGUE.services) {
      devTemplate.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
        ClusterName: dev.cluster.clusterName,
        Namespace: service.namespace,
        ServiceAccount: service.name,
        RoleArn: dev.data.resolve(dev.data.identities.get(service.name)!.role.roleArn),
      });
    }
  });

  test('trust: only pods.eks.amazonaws.com for this account and cluster, AssumeRole and TagSession', () => {
    const roles = devTemplate.findResources('AWS::IAM::Role');
    const serviceRoles = [...dev.data.identities.values()].map(
      (identity) => roles[dev.data.getLogicalId(identity.role.node.defaultChild as CfnElement)],
    );
    expect(serviceRoles).toHaveLength(REFERENCE_CATALOGUE.services.length);
    // The only other roles: CDK's bucket-emptying provider of the dev teardown (see test/deploy/teardown.test.ts) and
    // the secret rotation function's (test/data/secret-rotation.test.ts).
    expect(Object.keys(roles).filter((id) => !serviceRoles.includes(roles[id]))).toEqual([
      expect.stringMatching(/^CustomS3AutoDeleteObjectsCustomResourceProviderRole/),
      expect.stringMatching(/^SecretRotationRole/),
    ]);
    for (const role of serviceRoles)
      expect(role.Properties).toMatchObject({
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'pods.eks.amazonaws.com' },
              Action: ['sts:AssumeRole', 'sts:TagSession'],
              Condition: {
                StringEquals: { 'aws:SourceAccount': dev.config.env.account },
                ArnEquals: {
                  'aws:SourceArn': `arn:aws:eks:${dev.config.env.region}:${dev.config.env.account}:cluster/${dev.cluster.clusterName}`,
                },
              },
            },
          ],
        },
      });
  });

  test('permissions live in customer-managed policies, never inline', () => {
    devTemplate.resourceCountIs('AWS::IAM::Policy', 0);
    // One per service role, and the secret rotation function's.
    devTemplate.resourceCountIs('AWS::IAM::ManagedPolicy', REFERENCE_CATALOGUE.services.length + 1);
  });
});

test('snapshot of the dev data stack (second layer behind the assertions above)', () => {
  expect(devTemplate.toJSON()).toMatchSnapshot();
});
