import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INGRESS_PORTS } from '../charts/ingress-chart';
import { logBucketProps } from '../private/secure-bucket';

/** Port API Gateway connects to on the load balancer: TLS with a public certificate, or plain HTTP (dev fallback). */
export const INGRESS_LISTENER_PORTS = { tls: 443, plaintext: 80 } as const;

/**
 * TLS 1.3 and 1.2 with forward-secret AEAD suites only (ECDHE with AES-GCM or ChaCha20-Poly1305): API Gateway's
 * integration client is not guaranteed to offer TLS 1.3, and nothing else needs CBC or RSA key exchange.
 */
export const INGRESS_SSL_POLICY = elbv2.SslPolicy.TLS13_RES;

/** The public name API Gateway verifies on the load balancer, and the ACM certificate that carries it. */
export interface IngressCertificate {
  /** Host name API Gateway sends as SNI and Host and checks the certificate against (e.g. `ingress.example.com`). */
  readonly hostname: string;
  /** A publicly trusted (ACM) certificate for `hostname`, in the load balancer's region. */
  readonly certificate: acm.ICertificate;
}

export interface PrivateIngressProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the load balancer: the workload subnets, never public ones. */
  readonly subnets: ec2.SubnetSelection;
  /** Port the in-cluster ingress (mesh ingress gateway or edge service) listens on. @default 8443 (INGRESS_PORTS.container) */
  readonly targetPort?: number;
  /**
   * Terminate API Gateway's TLS with this certificate and re-encrypt to the ingress pods. API Gateway verifies
   * backend certificates against public CAs only, so without one nothing the platform can issue would pass.
   * @default - no TLS on the private hop: plain HTTP inside the VPC link to the ingress (the dev fallback)
   */
  readonly certificate?: IngressCertificate;
  /**
   * Where the load balancer's access logs go (they exist for TLS listeners only).
   * @default - a new SSE-S3 log bucket (secureBucketProps), logs kept a year
   */
  readonly accessLogBucket?: s3.IBucket;
  /** Keep its log bucket when the stack is deleted. @default true */
  readonly retain?: boolean;
  /** The load balancer refuses deletion, so a stack deletion fails until this is turned off and deployed. @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The private path from API Gateway into the cluster: an internal Network Load Balancer in the workload subnets
 * terminating API Gateway's TLS with a public ACM certificate and re-encrypting to the ingress pods (or, in the dev
 * fallback without a certificate, plain HTTP inside the VPC link), an IP target group the cluster binds its ingress
 * pods to (TargetGroupBinding of the AWS Load Balancer Controller), and the VPC link API Gateway reaches it through.
 */
export class PrivateIngress extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** Bound to the ingress pods by a TargetGroupBinding (charts side renders it from `targetGroupArn`). */
  readonly targetGroup: elbv2.NetworkTargetGroup;
  /** Allow this group on the ingress pods' port; it is the only source that should reach them from the VPC. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly vpcLink: apigateway.VpcLink;
  /** Base URI of the integration: `https://<hostname>`, or `http://<load balancer DNS name>` without a certificate. */
  readonly integrationBaseUri: string;
  /** Whether the private hop is encrypted: false only in the dev fallback. */
  readonly tls: boolean;
  /** The access-log bucket, when the load balancer logs (TLS listener only). */
  readonly accessLogBucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: PrivateIngressProps) {
    super(scope, id);
    const targetPort = props.targetPort ?? INGRESS_PORTS.container;
    const retain = props.retain ?? true;
    this.tls = props.certificate !== undefined;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Private ingress load balancer: reached only through the API Gateway VPC link',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(targetPort), 'To the ingress pods');

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

    // TLS target group: the load balancer re-encrypts to the pods' platform-ca certificate (it does not verify targets).
    const protocol = this.tls ? elbv2.Protocol.TLS : elbv2.Protocol.TCP;
    this.targetGroup = new elbv2.NetworkTargetGroup(this, 'IngressTargets', {
      vpc: props.vpc,
      port: targetPort,
      protocol,
      targetType: elbv2.TargetType.IP,
      healthCheck: { protocol: elbv2.Protocol.TCP, interval: Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
      deregistrationDelay: Duration.seconds(30),
    });

    if (props.certificate) {
      this.loadBalancer.addListener('Tls', {
        port: INGRESS_LISTENER_PORTS.tls,
        protocol,
        certificates: [props.certificate.certificate],
        sslPolicy: INGRESS_SSL_POLICY,
        defaultTargetGroups: [this.targetGroup],
      });
      this.accessLogBucket = props.accessLogBucket ?? new s3.Bucket(this, 'AccessLogs', logBucketProps(retain));
      this.loadBalancer.logAccessLogs(this.accessLogBucket, 'ingress');
      this.integrationBaseUri = `https://${props.certificate.hostname}`;
    } else {
      this.loadBalancer.addListener('Plaintext', {
        port: INGRESS_LISTENER_PORTS.plaintext,
        protocol,
        defaultTargetGroups: [this.targetGroup],
      });
      this.integrationBaseUri = `http://${this.loadBalancer.loadBalancerDnsName}`;
    }

    this.vpcLink = new apigateway.VpcLink(this, 'VpcLink', {
      description: 'API Gateway to the private ingress load balancer',
      targets: [this.loadBalancer],
    });
  }
}
