import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PRIVATE_CLUSTER_ENDPOINT_SERVICES, SecureVpc, SecureVpcProps } from '../../lib/constructs/secure-vpc';
import { testApp } from '../support/platform-fixture';

function vpcTemplate(props: Partial<SecureVpcProps> = {}): Template {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const flowLogGroup = new logs.LogGroup(stack, 'FlowLogs');
  new SecureVpc(stack, 'Vpc', { cidr: '10.10.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], flowLogGroup, ...props });
  return Template.fromStack(stack);
}

describe('SecureVpc', () => {
  const isolated = vpcTemplate();
  const withNat = vpcTemplate({ egress: 'nat', natGateways: 1 });

  test('defaults to isolated: no internet gateway, no NAT, no public subnets', () => {
    isolated.resourceCountIs('AWS::EC2::InternetGateway', 0);
    isolated.resourceCountIs('AWS::EC2::NatGateway', 0);
    expect(Object.values(isolated.findResources('AWS::EC2::Subnet')).every((s) => s.Properties.MapPublicIpOnLaunch === false)).toBe(true);
  });

  test('uses the configured zones and a private subnet in each', () => {
    const zones = Object.values(isolated.findResources('AWS::EC2::Subnet'))
      .map((s) => s.Properties.AvailabilityZone)
      .sort();
    expect(zones).toEqual(['us-east-1a', 'us-east-1b']);
  });

  test('with NAT egress: one NAT gateway, public subnets that never assign public IPs', () => {
    withNat.resourceCountIs('AWS::EC2::NatGateway', 1);
    const publicSubnets = Object.values(withNat.findResources('AWS::EC2::Subnet')).filter((s) =>
      s.Properties.Tags.some((t: { Key: string; Value: string }) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Public'),
    );
    expect(publicSubnets).toHaveLength(2);
    for (const subnet of publicSubnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  test('flow logs capture ALL traffic to the given log group', () => {
    isolated.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: Match.stringLikeRegexp('FlowLogs') },
    });
  });

  test('the default security group is stripped of its rules', () => {
    isolated.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('interface endpoints for every API a private cluster needs, private DNS, locked security group', () => {
    const endpoints = Object.values(isolated.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(endpoints).toHaveLength(Object.keys(PRIVATE_CLUSTER_ENDPOINT_SERVICES).length);
    for (const endpoint of endpoints) expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
    const serviceNames = endpoints.map((e) => JSON.stringify(e.Properties.ServiceName));
    for (const name of ['ecr.api', 'ecr.dkr', 'sts', 'logs', 'eks', 'eks-auth', 'ec2', 'elasticloadbalancing', 'kms', 'ssm']) {
      expect(serviceNames.some((s) => s.includes(`.${name}"`))).toBe(true);
    }
    isolated.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Interface endpoints: HTTPS from inside the VPC only',
      SecurityGroupIngress: [{ CidrIp: '10.10.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'HTTPS from the VPC' }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })], // CDK's "no egress" marker
    });
  });

  test('S3 and DynamoDB gateway endpoints keep data traffic off NAT', () => {
    const gateways = Object.values(isolated.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));
    expect(
      gateways
        .map((g) => JSON.stringify(g.Properties.ServiceName))
        .sort()
        .join(),
    ).toMatch(/dynamodb.*s3/);
  });
});
