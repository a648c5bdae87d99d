import { validateServiceCatalogue } from '../../lib/catalogue/validate-catalogue';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { EdgeConfig, profileDefaults, validatePlatformConfig, WAF_MIN_RATE_LIMIT } from '../../lib/config';
import { DEV_DEFAULTS, sliceProblems } from '../support/config-problems';
import { buildEdge } from './edge-fixture';

const edgeProblems = (edge: Partial<EdgeConfig>) => sliceProblems('edge', edge);
const waf = DEV_DEFAULTS.edge.waf;

describe('bad edge configuration stops with one line naming the field, the value and the fix', () => {
  test.each<[string, Partial<EdgeConfig>, string]>([
    ['a throttle burst below the rate', { throttle: { rateLimit: 100, burstLimit: 10 } },
      'invalid config edge.throttle.burstLimit=10: must be at least rateLimit (100)'],
    ['a method throttle burst below its rate', { methodThrottles: { 'POST /orders': { rateLimit: 5, burstLimit: 1 } } },
      'invalid config edge.methodThrottles["POST /orders"].burstLimit=1: must be at least rateLimit (5)'],
    ['a method throttle keyed by something other than METHOD /path', { methodThrottles: { orders: { rateLimit: 1, burstLimit: 1 } } },
      'invalid config edge.methodThrottles="orders": key each limit by METHOD /path'],
    ['a WAF rate limit below what WAF can express', { waf: { ...waf, rateLimitPer5Min: WAF_MIN_RATE_LIMIT - 1 } },
      'invalid config edge.waf.rateLimitPer5Min=9: AWS WAF accepts whole numbers from 10'],
    ['an allowlist entry that is not a CIDR', { waf: { ...waf, allowlistCidrs: ['203.0.113.7'] } },
      'invalid config edge.waf.allowlistCidrs="203.0.113.7": use an IPv4 CIDR such as 203.0.113.0/24'],
    ['a body limit WAF cannot inspect', { waf: { ...waf, maxBodyBytes: 100_000 } },
      'invalid config edge.waf.maxBodyBytes=100000: use a whole number of bytes from 1 to 65536'],
    ['an ingress host name that is not a DNS name', { ingressHostname: 'https://ingress' },
      'invalid config edge.ingressHostname="https://ingress": use a DNS name'],
    ['an ingress certificate issuer of another kind', { ingressHostname: 'ingress.example.com', ingressCertificateIssuer: { kind: 'AWSPCAClusterIssuer' as 'Issuer', name: 'pca' } },
      'invalid config edge.ingressCertificateIssuer.kind="AWSPCAClusterIssuer": use \'ClusterIssuer\' or \'Issuer\''],
    ['an ingress certificate issuer name that is not a DNS label', { ingressHostname: 'ingress.example.com', ingressCertificateIssuer: { kind: 'ClusterIssuer', name: 'Lets_Encrypt' } },
      'invalid config edge.ingressCertificateIssuer.name="Lets_Encrypt": use the name of a publicly trusted cert-manager issuer'],
    ['an ingress certificate issuer without the host name it certifies', { ingressCertificateIssuer: { kind: 'ClusterIssuer', name: 'letsencrypt' } },
      'invalid config edge.ingressHostname=undefined: set the public DNS name the issuer certifies'],
    ['a custom-domain certificate from another region', {
      customDomain: { domainName: 'api.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', truststoreBucketName: 'trust', truststoreKey: 'ca.pem' },
    }, 'invalid config edge.customDomain.certificateArn="arn:aws:acm:us-east-1:123456789012:certificate/abc": use an ACM certificate ARN in eu-west-1'],
  ])('%s', (_name, edge, expected) => {
    const messages = edgeProblems(edge);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n/);
  });

  test('the edge defaults of both profiles are valid', () => {
    expect(edgeProblems({})).toEqual([]);
    expect(() => validatePlatformConfig(profileDefaults('prod', { account: '123456789012', region: 'eu-west-1' }))).not.toThrow();
  });

  test('a public ingress certificate issuer with its host name is valid', () => {
    expect(edgeProblems({ ingressHostname: 'ingress.example.com', ingressCertificateIssuer: { kind: 'Issuer', name: 'letsencrypt-dns01' } })).toEqual([]);
  });

  test('prod refuses optional MFA', () => {
    const base = profileDefaults('prod', { account: '123456789012', region: 'eu-west-1' });
    expect(() => validatePlatformConfig({ ...base, edge: { ...base.edge, mfa: 'optional' } })).toThrow("prod requires MFA: use 'required'");
  });

  test('a scope name with spaces in the catalogue stops the edge stack before it is built', () => {
    const [orders, ...rest] = SERVICE_CATALOGUE.services;
    const catalogue = { ...SERVICE_CATALOGUE, services: [{ ...orders, scopes: ['read all'] }, ...rest] };
    const expected = 'invalid config services[0].scopes="read all": a scope name cannot contain spaces';
    expect(() => validateServiceCatalogue(catalogue)).toThrow(expected);
    expect(() => buildEdge({ catalogue })).toThrow(expected);
  });
});
