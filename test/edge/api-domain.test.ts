import { Match, Template } from 'aws-cdk-lib/assertions';
import { EDGE_OUTPUTS } from '../../lib/stacks/edge-outputs';
import { buildEdge } from './edge-fixture';
import { TEST_DOMAIN } from '../support/platform-fixture';

const TRUSTSTORE = { bucketName: 'example-truststore', key: 'clients/truststore.pem', version: 'v1' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0f0e0d0c-aaaa-bbbb-cccc-000000000001';

const withDomain = Template.fromStack(buildEdge({ edge: { domain: TEST_DOMAIN } }).edge);
const withoutDomain = Template.fromStack(buildEdge().edge);

describe('api.<domain>: the one way in', () => {
  test('a regional custom domain with TLS 1.3/1.2 forward-secret suites and strict SNI matching', () => {
    withDomain.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09',
      EndpointAccessMode: 'STRICT',
      RegionalCertificateArn: { Ref: Match.stringLikeRegexp('DomainCertificate') },
    });
    withDomain.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
  });

  test('an alias record in the imported zone (no lookup at synth)', () => {
    withDomain.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.',
      Type: 'A',
      HostedZoneId: TEST_DOMAIN.hostedZoneId,
      AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('Domain'), 'RegionalDomainName'] } }),
    });
  });

  test('the default execute-api endpoint is disabled', () => {
    withDomain.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    withoutDomain.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: false });
  });

  test('a client truststore adds mutual TLS, which API Gateway offers only with the TLS_1_2 policy', () => {
    const mtls = Template.fromStack(buildEdge({ edge: { domain: { ...TEST_DOMAIN, clientTruststore: TRUSTSTORE } } }).edge);
    mtls.hasResourceProperties('AWS::ApiGateway::DomainName', {
      SecurityPolicy: 'TLS_1_2',
      MutualTlsAuthentication: { TruststoreUri: 's3://example-truststore/clients/truststore.pem', TruststoreVersion: 'v1' },
    });
  });

  test('a brought certificate is used as is: no certificate is requested', () => {
    const brought = Template.fromStack(buildEdge({ edge: { domain: { ...TEST_DOMAIN, certificateArn: CERTIFICATE_ARN } } }).edge);
    brought.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    brought.hasResourceProperties('AWS::ApiGateway::DomainName', { RegionalCertificateArn: CERTIFICATE_ARN });
    brought.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: CERTIFICATE_ARN }] });
  });

  test('without a domain there are no domain resources', () => {
    for (const type of ['AWS::ApiGateway::DomainName', 'AWS::CertificateManager::Certificate', 'AWS::Route53::RecordSet']) {
      withoutDomain.resourceCountIs(type, 0);
    }
  });
});

describe('outputs for the smoke test and operators', () => {
  test('the API URL is https://api.<domain>/ with a domain, the stage URL without one', () => {
    expect(withDomain.toJSON().Outputs[EDGE_OUTPUTS.apiUrl].Value).toBe('https://api.example.com/');
    expect(JSON.stringify(withoutDomain.toJSON().Outputs[EDGE_OUTPUTS.apiUrl].Value)).toMatch(/execute-api.*"\/"\]\]\}$/);
  });

  test('token endpoint, user pool and machine client are output; no secret is', () => {
    const outputs = withDomain.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(Object.values(EDGE_OUTPUTS)));
    expect(JSON.stringify(outputs[EDGE_OUTPUTS.tokenUrl].Value)).toMatch(/auth.*oauth2\/token/);
    expect(JSON.stringify(outputs)).not.toMatch(/ClientSecret/);
  });
});

describe('the account API Gateway CloudWatch role', () => {
  test('is created and kept on destroy (account-wide), and the stage waits for it', () => {
    withoutDomain.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    withoutDomain.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        ManagedPolicyArns: [
          Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AmazonAPIGatewayPushToCloudWatchLogs')])] }),
        ],
      }),
    });
    const stage = Object.values(withoutDomain.findResources('AWS::ApiGateway::Stage'))[0];
    const account = Object.keys(withoutDomain.findResources('AWS::ApiGateway::Account'))[0];
    expect(stage.DependsOn).toContain(account);
  });

  test('is left to the landing zone with manageApiGatewayAccountRole: false', () => {
    const managed = Template.fromStack(buildEdge({ edge: { manageApiGatewayAccountRole: false } }).edge);
    managed.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});
