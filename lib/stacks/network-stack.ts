import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NetworkConfig } from '../config';
import { ILogDestinations } from '../constructs/central-logging';
import { SecureVpc } from '../constructs/secure-vpc';
import { COMPONENT_IMAGES } from '../constructs/component-images';
import { ImageCache } from '../constructs/image-cache';
import * as kms from 'aws-cdk-lib/aws-kms';

export interface NetworkStackProps extends StackProps {
  readonly network: NetworkConfig;
  readonly logDestinations: ILogDestinations;
  /** Encrypts the image cache's repositories (`network.imageCache`). */
  readonly imageCacheKey: kms.IKey;
}

/** The VPC with flow logs and private endpoints. */
export class NetworkStack extends Stack {
  readonly network: SecureVpc;
  /** Present when `network.imageCache` is on. */
  readonly imageCache?: ImageCache;
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.zones = [...props.network.availabilityZones];
    this.network = new SecureVpc(this, 'Network', {
      cidr: props.network.cidr,
      availabilityZones: props.network.availabilityZones,
      egress: props.network.egress,
      natGateways: props.network.natGateways,
      flowLogGroup: props.logDestinations.createLogGroup('VpcFlowLogs'),
    });
    if (props.network.imageCache) {
      // Beside the VPC rather than the cluster: deployed first, so a Docker Hub secret can be filled before the charts pull.
      this.imageCache = new ImageCache(this, 'ImageCache', {
        images: Object.values(COMPONENT_IMAGES).flatMap((component) => component.images),
        credentials: props.network.dockerHubCredentialArn ? { 'docker.io': props.network.dockerHubCredentialArn } : undefined,
        encryptionKey: props.imageCacheKey,
      });
    }
  }

  /** The configured zones: without this override an environment-specific stack looks them up with credentials. */
  override get availabilityZones(): string[] {
    return this.zones;
  }
}
