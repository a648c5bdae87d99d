import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { IngressCertificate } from './private-ingress';

/** Mutual TLS on the API's custom domain: who may be a client is decided by the CA bundle in this object. */
export interface ClientTruststore {
  /** Versioned S3 bucket holding the client-CA truststore; owned by whoever decides who may be a client. */
  readonly bucketName: string;
  /** Object key of the PEM truststore. */
  readonly key: string;
  /** Pin a truststore version, so a new upload takes effect only with a deploy. @default - latest version */
  readonly version?: string;
}

/** The API's public host name under a zone. */
export function apiHostname(zone: { readonly domainName: string }): string {
  return `api.${zone.domainName}`;
}

/** The name on the load balancer's certificate, which API Gateway sends as SNI and Host and verifies. */
export function ingressHostname(zone: { readonly domainName: string }): string {
  return `ingress.${zone.domainName}`;
}

export interface ApiDomainProps {
  /** Name of a Route 53 public hosted zone you own, e.g. `example.com`. */
  readonly domainName: string;
  /** That zone's id; the zone is imported from name and id, never looked up at synth. */
  readonly hostedZoneId: string;
  /**
   * An ACM certificate in this region covering `api.<domainName>` and `ingress.<domainName>`.
   * @default - a new certificate for both names, DNS-validated in the zone
   */
  readonly certificateArn?: string;
  /**
   * Require client certificates signed by this truststore's CAs. API Gateway then allows only the legacy TLS_1_2
   * policy (mutual TLS is not offered with enhanced policies).
   * @default - no client certificates; TLS 1.3/1.2 with forward secrecy only, strict SNI matching
   */
  readonly clientTruststore?: ClientTruststore;
}

/**
 * The API's public names in a zone the user owns: one ACM certificate for `api.<domain>` (the custom domain clients
 * call, with an alias record) and `ingress.<domain>` (presented by the private load balancer, where API Gateway
 * verifies it against public CAs). `ingress.<domain>` needs no DNS record: API Gateway reaches the load balancer
 * through the VPC link and uses the name only for SNI, Host and the certificate check.
 */
export class ApiDomain extends Construct {
  readonly zone: route53.IHostedZone;
  readonly certificate: acm.ICertificate;
  readonly domainName: apigateway.DomainName;
  /** `https://api.<domain>/`: the base URL clients call. */
  readonly url: string;
  /** What the private load balancer presents to API Gateway. */
  readonly ingressCertificate: IngressCertificate;

  constructor(scope: Construct, id: string, props: ApiDomainProps) {
    super(scope, id);
    const api = apiHostname(props);
    const ingress = ingressHostname(props);
    this.zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.domainName,
    });
    this.certificate = props.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
      : new acm.Certificate(this, 'Certificate', {
          domainName: api,
          subjectAlternativeNames: [ingress],
          validation: acm.CertificateValidation.fromDns(this.zone),
        });

    const truststore = props.clientTruststore;
    this.domainName = new apigateway.DomainName(this, 'Resource', {
      domainName: api,
      certificate: this.certificate,
      endpointType: apigateway.EndpointType.REGIONAL,
      ...(truststore
        ? {
            securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
            mtls: {
              bucket: s3.Bucket.fromBucketName(this, 'Truststore', truststore.bucketName),
              key: truststore.key,
              version: truststore.version,
            },
          }
        : { securityPolicy: apigateway.SecurityPolicy.TLS13_1_2_PFS_PQ_2025_09, endpointAccessMode: apigateway.EndpointAccessMode.STRICT }),
    });
    new route53.ARecord(this, 'Alias', {
      zone: this.zone,
      recordName: api,
      target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(this.domainName)),
    });
    this.url = `https://${api}/`;
    this.ingressCertificate = { hostname: ingress, certificate: this.certificate };
  }

  /** Serves `stage` of `api` at the domain's root. */
  mapApi(api: apigateway.IRestApi, stage: apigateway.Stage): void {
    this.domainName.addBasePathMapping(api, { stage });
  }
}
