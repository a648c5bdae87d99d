import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NetworkConfig } from '../config';
import { ILogDestinations } from '../constructs/central-logging';
import { SecureVpc } from '../constructs/secure-vpc';

export interface NetworkStackProps extends StackProps {
  readonly network: NetworkConfig;
  readonly logDestinations: ILogDestinations;
}

/** The VPC with flow logs and private endpoints. */
export class NetworkStack extends Stack {
  readonly network: SecureVpc;
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
  }

  /** The configured zones: without this override an environment-specific stack looks them up with credentials. */
  override get availabilityZones(): string[] {
    return this.zones;
  }
}
