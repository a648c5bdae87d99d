import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { EdgeStack } from '../../lib/stacks/edge-stack';
import { buildEdge } from './edge-fixture';

let edge: EdgeStack;
let template: Template;
let namedEdge: EdgeStack;
let named: Template;
beforeAll(() => {
  edge = buildEdge().edge;
  template = Template.fromStack(edge);
  namedEdge = buildEdge({ edge: { ingressHostname: 'ingress.example.com' } }).edge;
  named = Template.fromStack(namedEdge);
});

test('an internal NLB in the workload subnets, cross-zone, deletion-protected when data is retained', () => {
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Type: 'network',
    Scheme: 'internal',
    EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
    LoadBalancerAttributes: Match.arrayWith([
      { Key: 'deletion_protection.enabled', Value: 'false' },
      { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
    ]),
  });
  const prod = Template.fromStack(buildEdge({ context: { profile: 'prod' } }).edge);
  prod.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
  });
});

test('TLS passes through: a TCP listener on 443 forwards to an IP target group for the ingress pods', () => {
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'TCP' });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8443, Protocol: 'TCP', TargetType: 'ip' });
});

test('the target group is exposed for the TargetGroupBinding', () => {
  expect(edge.ingressTargetGroup.targetGroupArn).toBeDefined();
  expect(edge.ingressTargetGroup).toBe(edge.ingress.targetGroup);
});

test('the load balancer admits only VPC link traffic and sends only TLS to the ingress port', () => {
  const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')).map((g) => g.Properties);
  const nlb = groups.find((g) => String(g.GroupDescription).startsWith('Private ingress'))!;
  expect(nlb.SecurityGroupIngress).toBeUndefined();
  expect(nlb.SecurityGroupEgress).toEqual([expect.objectContaining({ FromPort: 8443, ToPort: 8443, IpProtocol: 'tcp' })]);
});

test('API Gateway reaches it through a VPC link, over HTTPS on every method', () => {
  template.hasResourceProperties('AWS::ApiGateway::VpcLink', { TargetArns: [{ Ref: Match.stringLikeRegexp('Ingress') }] });
  for (const method of Object.values(template.findResources('AWS::ApiGateway::Method'))) {
    expect(method.Properties.Integration).toMatchObject({ Type: 'HTTP_PROXY', ConnectionType: 'VPC_LINK' });
    expect(JSON.stringify(method.Properties.Integration.Uri)).toMatch(/^\{"Fn::Join":\["",\["https:\/\//);
  }
});

test('with an ingress host name, API Gateway verifies the ingress certificate against it; without one, synth warns', () => {
  for (const method of Object.values(named.findResources('AWS::ApiGateway::Method'))) {
    expect(method.Properties.Integration.Uri).toMatch(/^https:\/\/ingress\.example\.com\//);
    expect(method.Properties.Integration.TlsConfig).toBeUndefined();
  }
  Annotations.fromStack(namedEdge).hasNoWarning('*', Match.stringLikeRegexp('no ingress host name'));
  Annotations.fromStack(edge).hasWarning('/Edge/Ingress', Match.stringLikeRegexp('no ingress host name.*must come from a publicly trusted CA'));
});

test('without a publicly trusted ingress certificate issuer, synth warns that API Gateway rejects the platform-ca certificate', () => {
  Annotations.fromStack(namedEdge).hasWarning('/Edge/Ingress', Match.stringLikeRegexp('no edge.ingressCertificateIssuer: .*platform-ca.*public CAs'));
  const publicEdge = buildEdge({ edge: { ingressHostname: 'ingress.example.com', ingressCertificateIssuer: { kind: 'ClusterIssuer', name: 'letsencrypt' } } }).edge;
  Annotations.fromStack(publicEdge).hasNoWarning('*', Match.stringLikeRegexp('ingressCertificateIssuer'));
});
