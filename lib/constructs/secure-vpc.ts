import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** AWS APIs a private EKS cluster, its nodes and its pods reach through interface endpoints. */
export const PRIVATE_CLUSTER_ENDPOINT_SERVICES: Readonly<Record<string, ec2.InterfaceVpcEndpointAwsService>> = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  Monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  Eks: ec2.InterfaceVpcEndpointAwsService.EKS,
  EksAuth: ec2.InterfaceVpcEndpointAwsService.EKS_AUTH,
  Ec2: ec2.InterfaceVpcEndpointAwsService.EC2,
  ElasticLoadBalancing: ec2.InterfaceVpcEndpointAwsService.ELASTIC_LOAD_BALANCING,
  Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
  // The Secrets Store CSI driver's AWS provider fetches the services' secrets on the nodes.
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  // Karpenter's interruption queue.
  Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  // aws-privateca-issuer, when AWS Private CA signs the platform CA.
  PrivateCa: ec2.InterfaceVpcEndpointAwsService.PRIVATE_CERTIFICATE_AUTHORITY,
  // The services fetch the user pool's signing keys (JWKS) unless given them as a file.
  CognitoIdp: ec2.InterfaceVpcEndpointAwsService.COGNITO_IDP,
  // The kubectl provider's framework function, in the VPC, invokes the kubectl handler through the Lambda API.
  Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
};

export interface SecureVpcProps {
  /** IPv4 range of the VPC. */
  readonly cidr: string;
  /** Explicit zones, so synth never looks them up. */
  readonly availabilityZones: readonly string[];
  /** Where flow logs go; must be KMS-encrypted (create it with CentralLogging). */
  readonly flowLogGroup: logs.ILogGroup;
  /** `isolated` removes public subnets and NAT entirely: workloads reach AWS only through endpoints. @default 'isolated' */
  readonly egress?: 'nat' | 'isolated';
  /** NAT gateways when egress is `nat`. @default 1 */
  readonly natGateways?: number;
}

/**
 * A VPC for private workloads: private subnets in every zone, flow logs of ALL traffic, the default
 * security group stripped of rules, and endpoints that admit HTTPS from inside the VPC only.
 * Public subnets exist only to hold NAT gateways when egress is `nat`.
 */
export class SecureVpc extends Construct {
  readonly vpc: ec2.Vpc;
  /** Security group of the interface endpoints (443 from the VPC CIDR, no egress). */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** Where workloads run: private subnets (with NAT egress) or isolated subnets. */
  readonly workloadSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: SecureVpcProps) {
    super(scope, id);
    const egress = props.egress ?? 'isolated';
    const workloadType = egress === 'nat' ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    const subnetConfiguration: ec2.SubnetConfiguration[] = [{ name: 'Workload', subnetType: workloadType, cidrMask: 20 }];
    if (egress === 'nat') {
      subnetConfiguration.push({ name: 'Egress', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false });
    }
    this.workloadSubnets = { subnetType: workloadType };

    this.vpc = new ec2.Vpc(this, 'Resource', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      subnetConfiguration,
      natGateways: egress === 'nat' ? (props.natGateways ?? 1) : 0,
      restrictDefaultSecurityGroup: true,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      flowLogs: {
        All: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(props.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.workloadSubnets] },
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.workloadSubnets] },
      },
    });

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');

    for (const [endpointId, service] of Object.entries(PRIVATE_CLUSTER_ENDPOINT_SERVICES)) {
      this.vpc.addInterfaceEndpoint(endpointId, {
        service,
        subnets: this.workloadSubnets,
        securityGroups: [this.endpointSecurityGroup],
        privateDnsEnabled: true,
        open: false,
      });
    }
  }
}
