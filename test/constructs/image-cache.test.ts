import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { cachedImage, ImageCache } from '../../lib/constructs/image-cache';
import { testApp } from '../support/platform-fixture';

const ENV = { account: '111111111111', region: 'eu-west-1' };

function build(credentials?: Record<string, string>) {
  const stack = new Stack(testApp(), 'Cache', { env: ENV });
  const cache = new ImageCache(stack, 'ImageCache', {
    images: ['public.ecr.aws/karpenter/controller', 'docker.io/istio/pilot', 'quay.io/jetstack/cert-manager-controller'],
    credentials,
    encryptionKey: new kms.Key(stack, 'Key'),
  });
  const node = new iam.Role(stack, 'Node', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  cache.grantPullThrough(node);
  return { stack, cache, template: Template.fromStack(stack) };
}

test('one pull-through cache rule per upstream registry in use', () => {
  const { template } = build();
  const rules = Object.values<any>(template.findResources('AWS::ECR::PullThroughCacheRule')).map((r) => r.Properties);
  expect(rules.map((r) => [r.EcrRepositoryPrefix, r.UpstreamRegistryUrl]).sort()).toEqual([
    ['docker-hub', 'registry-1.docker.io'],
    ['ecr-public', 'public.ecr.aws'],
    ['quay', 'quay.io'],
  ]);
});

test('Docker Hub needs credentials: an empty ecr-pullthroughcache/ secret to fill, or the one configured', () => {
  const created = build();
  created.template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'ecr-pullthroughcache/docker-hub' });
  created.template.hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
    EcrRepositoryPrefix: 'docker-hub',
    CredentialArn: { Ref: Match.stringLikeRegexp('^ImageCacheCredentialsdockerhub') },
  });
  const arn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ecr-pullthroughcache/hub-AbCdEf';
  const given = build({ 'docker.io': arn });
  given.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  given.template.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: 'docker-hub', CredentialArn: arn });
});

test("each image's cache repository exists ahead: KMS-encrypted with the given key, scanned on push, immutable tags", () => {
  const { template } = build();
  template.resourceCountIs('AWS::ECR::Repository', 3);
  template.hasResourceProperties('AWS::ECR::Repository', {
    RepositoryName: 'ecr-public/karpenter/controller',
    EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.anyValue() },
    ImageScanningConfiguration: { ScanOnPush: true },
    ImageTagMutability: 'IMMUTABLE',
    LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('"countNumber":10') },
    // Only the pull-through cache's service-linked role writes into a cache repository.
    RepositoryPolicyText: {
      Statement: [
        Match.objectLike({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': Match.anyValue() } },
        }),
      ],
    },
  });
  for (const repository of Object.values<any>(template.findResources('AWS::ECR::Repository'))) {
    expect(JSON.stringify(repository.Properties.RepositoryPolicyText.Statement[0].Condition)).toContain(
      ':iam::111111111111:role/aws-service-role/pullthroughcache.ecr.amazonaws.com/AWSServiceRoleForECRPullThroughCache',
    );
  }
  expect(cachedImage(ENV.account, ENV.region, 'docker.io/istio/pilot')).toBe(
    '111111111111.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/istio/pilot',
  );
});

test('nodes may import upstream images into the cache repositories only, through one managed policy', () => {
  const { template } = build();
  const [[policyId, policy]] = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'));
  expect(policy.Properties.PolicyDocument.Statement).toEqual([
    expect.objectContaining({ Effect: 'Allow', Action: 'ecr:BatchImportUpstreamImage' }),
  ]);
  expect(policy.Properties.PolicyDocument.Statement[0].Resource).toHaveLength(3);
  template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [{ Ref: policyId }] });
});

test('an image from a registry without a cache rule is refused with the registries that have one', () => {
  expect(() => cachedImage(ENV.account, ENV.region, 'ghcr.io/some/image')).toThrow(
    'no pull-through cache rule for images from ghcr.io: use one of public.ecr.aws, quay.io, registry.k8s.io, docker.io',
  );
});
