import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ecrRegistryHost } from './chart-mirror';
import { denyImageWritesExcept } from './service-repository';

/**
 * The upstream registries the platform's images come from, each with the ECR pull-through cache namespace it is
 * cached under (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<path>`) and its CloudFormation `UpstreamRegistry`.
 */
export const UPSTREAM_REGISTRIES: Readonly<
  Record<string, { readonly prefix: string; readonly upstreamRegistry: string; readonly needsCredential: boolean }>
> = {
  'public.ecr.aws': { prefix: 'ecr-public', upstreamRegistry: 'ecr-public', needsCredential: false },
  'quay.io': { prefix: 'quay', upstreamRegistry: 'quay', needsCredential: false },
  'registry.k8s.io': { prefix: 'k8s', upstreamRegistry: 'k8s', needsCredential: false },
  // Docker Hub accepts only authenticated pull-through caching.
  'docker.io': { prefix: 'docker-hub', upstreamRegistry: 'docker-hub', needsCredential: true },
};

/** ECR reads a pull-through cache rule's credentials only from secrets with this name prefix. */
export const PULL_THROUGH_CACHE_SECRET_PREFIX = 'ecr-pullthroughcache/';

/** Images each cache repository keeps (every tag a chart version used, the oldest expiring first). */
export const CACHED_IMAGES_KEPT = 10;

/** Where an upstream image (`host/path`, no tag) is cached in an account's registry. */
export function cachedImage(account: string, region: string, upstreamImage: string): string {
  const [host, ...path] = upstreamImage.split('/');
  return `${ecrRegistryHost(account, region)}/${upstreamOf(host).prefix}/${path.join('/')}`;
}

function upstreamOf(host: string) {
  const upstream = UPSTREAM_REGISTRIES[host];
  if (!upstream) {
    throw new Error(`no pull-through cache rule for images from ${host}: use one of ${Object.keys(UPSTREAM_REGISTRIES).join(', ')}`);
  }
  return upstream;
}

export interface ImageCacheProps {
  /** The upstream images (`host/path`, no tag) the cluster pulls through the cache. */
  readonly images: readonly string[];
  /**
   * Secrets Manager secrets (name prefix `ecr-pullthroughcache/`, `{"username","accessToken"}`) by upstream host, for
   * the registries that need one.
   * @default - a secret `ecr-pullthroughcache/<prefix>` per such registry holding a generated placeholder, which the
   * operator replaces with the credentials before the
   * first pull (a secret's value does not belong in code)
   */
  readonly credentials?: Readonly<Record<string, string>>;
  /** Encrypts the cache repositories. */
  readonly encryptionKey: kms.IKey;
}

/**
 * ECR pull-through cache for the images of the platform's components, so nodes pull them from the account's registry
 * through the ECR endpoints and never from the internet: one rule per upstream registry in use, and each image's
 * cache repository created ahead (KMS-encrypted, scanned on push), so nodes need no ecr:CreateRepository, only
 * ecr:BatchImportUpstreamImage on the cache repositories (`grantPullThrough`). A cache also pins what runs: an image
 * once cached is served from the account even if the upstream tag moves.
 */
export class ImageCache extends Construct {
  readonly rules: ecr.CfnPullThroughCacheRule[] = [];
  readonly repositories: ecr.Repository[] = [];

  constructor(scope: Construct, id: string, props: ImageCacheProps) {
    super(scope, id);
    const hosts = [...new Set(props.images.map((image) => image.split('/')[0]))].sort();
    for (const host of hosts) {
      const upstream = upstreamOf(host);
      const credentialArn = upstream.needsCredential
        ? (props.credentials?.[host] ?? this.credentialSecret(upstream.prefix).secretArn)
        : undefined;
      this.rules.push(
        new ecr.CfnPullThroughCacheRule(this, `Rule-${upstream.prefix}`, {
          ecrRepositoryPrefix: upstream.prefix,
          upstreamRegistry: upstream.upstreamRegistry,
          upstreamRegistryUrl: host === 'docker.io' ? 'registry-1.docker.io' : host,
          credentialArn,
        }),
      );
    }
    const { account, region, partition } = Stack.of(this);
    // Only ECR's pull-through cache writes into a cache repository (its service-linked role pushes what it imports).
    const cacheWriter = `arn:${partition}:iam::${account}:role/aws-service-role/pullthroughcache.ecr.amazonaws.com/AWSServiceRoleForECRPullThroughCache`;
    for (const image of [...new Set(props.images)].sort()) {
      const name = cachedImage(account, region, image).split('/').slice(1).join('/');
      this.repositories.push(
        new ecr.Repository(this, `Repository-${name.replace(/[^A-Za-z0-9]/g, '-')}`, {
          repositoryName: name,
          encryption: ecr.RepositoryEncryption.KMS,
          encryptionKey: props.encryptionKey,
          imageScanOnPush: true,
          // Chart upgrades bring new tags; the cache keeps the newest few, so a rollback still finds its image.
          lifecycleRules: [{ rulePriority: 1, tagStatus: ecr.TagStatus.ANY, maxImageCount: CACHED_IMAGES_KEPT }],
          // A tag, once cached, keeps the image it first named: the cache pins what runs even if upstream re-tags.
          imageTagMutability: ecr.TagMutability.IMMUTABLE,
          removalPolicy: RemovalPolicy.DESTROY,
          emptyOnDelete: true,
        }),
      );
      denyImageWritesExcept(this.repositories[this.repositories.length - 1], 'WritesOnlyByThePullThroughCache', [cacheWriter]);
    }
  }

  /** Secrets the operator fills with the upstream account's credentials (`credentials` not given). */
  readonly credentialSecrets: secretsmanager.Secret[] = [];

  private credentialSecret(prefix: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, `Credentials-${prefix}`, {
      secretName: `${PULL_THROUGH_CACHE_SECRET_PREFIX}${prefix}`,
      description: `Pull-through cache credentials for ${prefix}: put {"username": "...", "accessToken": "..."} here before the first deploy of the cluster`,
      // ECR reads pull-through cache credentials only under the AWS managed key (its documented requirement).
    });
    this.credentialSecrets.push(secret);
    return secret;
  }

  /** Lets a node role import upstream images into the cache repositories on first pull (one managed policy for all). */
  grantPullThrough(role: iam.IRole): void {
    this.pullThroughPolicy ??= new iam.ManagedPolicy(this, 'PullThroughPolicy', {
      description: 'Nodes: import upstream images into the pull-through cache repositories on first pull',
      statements: [
        new iam.PolicyStatement({
          actions: ['ecr:BatchImportUpstreamImage'],
          resources: this.repositories.map((repository) => repository.repositoryArn),
        }),
      ],
    });
    role.addManagedPolicy(this.pullThroughPolicy);
  }

  private pullThroughPolicy?: iam.ManagedPolicy;
}
