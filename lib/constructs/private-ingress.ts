import { Annotations, Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { INGRESS_PORTS } from '../charts/ingress-chart';

/** TLS port API Gateway connects to on the load balancer. */
export const INGRESS_LISTENER_PORT = 443;

export interface PrivateIngressProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the load balancer: the workload subnets, never public ones. */
  readonly subnets: ec2.SubnetSelection;
  /** Port the in-cluster ingress (mesh ingress gateway or edge service) terminates TLS on. @default 8443 (INGRESS_PORTS.container) */
  readonly targetPort?: number;
  /**
   * Host name on the ingress certificate. API Gateway sends it as SNI and Host and verifies the certificate
   * against it, so the certificate must come from a CA API Gateway trusts (e.g. an exportable ACM public certificate).
   * @default - the load balancer's DNS name, which no ingress certificate can carry: API Gateway refuses the
   * connection (502) until a host name is set, and synth warns
   */
  readonly ingressHostname?: string;
  /** Refuse deletion of the load balancer while the stack exists. @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The private path from API Gateway into the cluster: an internal Network Load Balancer in the workload subnets
 * passing TLS through (TCP, so the load balancer never sees plaintext and TLS runs from API Gateway to the
 * ingress pod), an IP target group the cluster binds its ingress pods to (TargetGroupBinding of the AWS Load
 * Balancer Controller), and the VPC link API Gateway reaches the load balancer through.
 */
export class PrivateIngress extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** Bound to the ingress pods by a TargetGroupBinding (charts side renders it from `targetGroupArn`). */
  readonly targetGroup: elbv2.NetworkTargetGroup;
  /** Allow this group on the ingress pods' port; it is the only source that should reach them from the VPC. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly vpcLink: apigateway.VpcLink;
  /** Base URI of the integration, `https://<host>`. */
  readonly integrationBaseUri: string;

  constructor(scope: Construct, id: string, props: PrivateIngressProps) {
    super(scope, id);
    const targetPort = props.targetPort ?? INGRESS_PORTS.container;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Private ingress load balancer: reached only through the API Gateway VPC link',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(targetPort), 'TLS to ingress pods');

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      crossZoneEnabled: true,
      deletionProtection: props.deletionProtection ?? true,
      securityGroups: [this.securityGroup],
      // VPC link traffic arrives over PrivateLink; with no inbound rules, that is the only traffic admitted.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });

    this.targetGroup = new elbv2.NetworkTargetGroup(this, 'IngressTargets', {
      vpc: props.vpc,
      port: targetPort,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      healthCheck: { protocol: elbv2.Protocol.TCP, interval: Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
      deregistrationDelay: Duration.seconds(30),
    });
    this.loadBalancer.addListener('Tls', {
      port: INGRESS_LISTENER_PORT,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [this.targetGroup],
    });

    this.vpcLink = new apigateway.VpcLink(this, 'VpcLink', {
      description: 'API Gateway to the private ingress load balancer',
      targets: [this.loadBalancer],
    });

    this.integrationBaseUri = `https://${props.ingressHostname ?? this.loadBalancer.loadBalancerDnsName}`;
    if (props.ingressHostname === undefined) {
      Annotations.of(this).addWarningV2('@platform/edge:ingressHostnameMissing',
        'no ingress host name: API Gateway verifies the ingress certificate against the load balancer DNS name, which '
        + 'no certificate can carry, so requests fail until edge.ingressHostname names the ingress certificate, which must come from a publicly trusted '
        + 'CA (edge.ingressCertificateIssuer)');
    }
  }
}
