import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { INGRESS_SSL_POLICY } from '../../lib/constructs/private-ingress';
import { EdgeStack } from '../../lib/stacks/edge-stack';
import { buildEdge } from './edge-fixture';
import { PROD_CONTEXT, TEST_DOMAIN } from '../support/platform-fixture';

let plainEdge: EdgeStack;
let plain: Template;
let tlsEdge: EdgeStack;
let tls: Template;
beforeAll(() => {
  plainEdge = buildEdge().edge;
  plain = Template.fromStack(plainEdge);
  tlsEdge = buildEdge({ edge: { domain: TEST_DOMAIN } }).edge;
  tls = Template.fromStack(tlsEdge);
});

/** The integration URI of every API method, as text (tokens as their JSON). */
const integrationUris = (t: Template) =>
  Object.values(t.findResources('AWS::ApiGateway::Method')).map((m) =>
    typeof m.Properties.Integration.Uri === 'string' ? m.Properties.Integration.Uri : JSON.stringify(m.Properties.Integration.Uri),
  );

test('an internal NLB in the workload subnets, cross-zone, deletion-protected when data is retained', () => {
  plain.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Type: 'network',
    Scheme: 'internal',
    EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
    LoadBalancerAttributes: Match.arrayWith([
      { Key: 'deletion_protection.enabled', Value: 'false' },
      { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
    ]),
  });
  const prod = Template.fromStack(buildEdge({ context: PROD_CONTEXT }).edge);
  prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
  });
});

describe('with a domain: TLS on every hop, verified by API Gateway', () => {
  test('the NLB terminates TLS on 443 with the ACM certificate for ingress.<domain>, forward-secret AEAD suites only', () => {
    tls.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    tls.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'TLS',
      SslPolicy: INGRESS_SSL_POLICY,
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('DomainCertificate') } }],
    });
    expect(INGRESS_SSL_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-Res-2021-06');
    tls.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.example.com',
      SubjectAlternativeNames: ['ingress.example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: Match.arrayWith([{ DomainName: 'ingress.example.com', HostedZoneId: TEST_DOMAIN.hostedZoneId }]),
    });
  });

  test('and re-encrypts to the ingress pods: a TLS target group on 8443', () => {
    tls.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8443, Protocol: 'TLS', TargetType: 'ip' });
  });

  test('every integration is https://ingress.<domain>/…: API Gateway verifies the public certificate against that name', () => {
    const uris = integrationUris(tls);
    expect(uris).toHaveLength(4);
    for (const uri of uris) expect(uri).toMatch(/^https:\/\/ingress\.example\.com\//);
    for (const method of Object.values(tls.findResources('AWS::ApiGateway::Method'))) {
      expect(method.Properties.Integration).toMatchObject({ Type: 'HTTP_PROXY', ConnectionType: 'VPC_LINK' });
    }
    Annotations.fromStack(tlsEdge).hasNoWarning('*', Match.stringLikeRegexp('plain HTTP'));
  });

  test('the TLS listener logs connections to a TLS-only, versioned, public-blocked bucket kept a year', () => {
    tls.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('IngressAccessLogs') } },
      ]),
    });
    tls.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 365 })]) },
    });
  });
});

describe('without a domain (dev fallback): plain HTTP inside the VPC link, and synth says so', () => {
  test('a TCP listener on 80 forwards to a TCP target group for the ingress pods; no certificate, no access logs', () => {
    plain.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    plain.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'TCP' });
    plain.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8443, Protocol: 'TCP', TargetType: 'ip' });
    plain.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    plain.resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('every integration is http:// to the load balancer, and synth warns naming the fix', () => {
    for (const uri of integrationUris(plain)) expect(uri).toMatch(/^\{"Fn::Join":\["",\["http:\/\//);
    Annotations.fromStack(plainEdge).hasWarning('/Edge/Ingress', Match.stringLikeRegexp('no edge.domain: .*plain HTTP.*-c domainName='));
  });
});

test('the target group is exposed for the TargetGroupBinding', () => {
  expect(plainEdge.ingressTargetGroup).toBe(plainEdge.ingress.targetGroup);
});

test('the load balancer admits only VPC link traffic and sends only to the ingress port', () => {
  for (const t of [plain, tls]) {
    const groups = Object.values(t.findResources('AWS::EC2::SecurityGroup')).map((g) => g.Properties);
    const nlb = groups.find((g) => String(g.GroupDescription).startsWith('Private ingress'))!;
    expect(nlb.SecurityGroupIngress).toBeUndefined();
    expect(nlb.SecurityGroupEgress).toEqual([expect.objectContaining({ FromPort: 8443, ToPort: 8443, IpProtocol: 'tcp' })]);
  }
});

test('API Gateway reaches it through a VPC link', () => {
  plain.hasResourceProperties('AWS::ApiGateway::VpcLink', { TargetArns: [{ Ref: Match.stringLikeRegexp('Ingress') }] });
});
