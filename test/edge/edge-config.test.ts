import { validateServiceCatalogue } from '../../lib/catalogue/validate-catalogue';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { EdgeConfig, validatePlatformConfig, WAF_MIN_RATE_LIMIT } from '../../lib/config';
import { PROD_CONTEXT, TEST_DOMAIN, testConfig } from '../support/platform-fixture';
import { configProblems, DEV_DEFAULTS, sliceProblems } from '../support/config-problems';
import { buildEdge } from './edge-fixture';

const edgeProblems = (edge: Partial<EdgeConfig>) => sliceProblems('edge', edge);
/** The lines `cdk synth -c …` would print for this context. */
const contextProblems = (context: Record<string, unknown>) => configProblems(() => testConfig(context));
const waf = DEV_DEFAULTS.edge.waf;
const ZONE_ID = TEST_DOMAIN.hostedZoneId;

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
    ['a domain that is not a DNS name', { domain: { domainName: 'https://example.com', hostedZoneId: ZONE_ID } },
      'invalid config edge.domain.domainName="https://example.com": use the name of a Route 53 public hosted zone you own'],
    ['a hosted zone id Route 53 would not issue', { domain: { domainName: 'example.com', hostedZoneId: 'zone-1' } },
      'invalid config edge.domain.hostedZoneId="zone-1": use the id of that public hosted zone'],
    ['a certificate from another region', { domain: { domainName: 'example.com', hostedZoneId: ZONE_ID, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' } },
      'invalid config edge.domain.certificateArn="arn:aws:acm:eu-west-1:123456789012:certificate/abc": use an ACM certificate ARN in us-east-1 covering api.example.com and ingress.example.com'],
    ['a client truststore without its object key', { domain: { domainName: 'example.com', hostedZoneId: ZONE_ID, clientTruststore: { bucketName: 'trust', key: '' } } },
      'invalid config edge.domain.clientTruststore.key="": use the object key of the PEM truststore'],
  ])('%s', (_name, edge, expected) => {
    const messages = edgeProblems(edge);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n/);
  });

  test('the dev defaults are valid; prod is valid once it has a domain', () => {
    expect(edgeProblems({})).toEqual([]);
    expect(testConfig(PROD_CONTEXT).edge.domain).toEqual({ domainName: 'example.com', hostedZoneId: ZONE_ID });
  });

  test('prod without a domain stops with one line naming domainName, hostedZoneId and the fix', () => {
    const problems = contextProblems({ profile: 'prod' });
    expect(problems).toEqual([expect.stringMatching(/^invalid config edge\.domain=undefined: .*-c domainName=.*-c hostedZoneId=/)]);
  });

  test('a zone name without its id (or the reverse) is refused: the zone is never looked up', () => {
    expect(contextProblems({ domainName: 'example.com' })).toEqual([expect.stringMatching(/^invalid config edge\.domain\.hostedZoneId=undefined: set -c hostedZoneId=/)]);
    expect(contextProblems({ hostedZoneId: ZONE_ID })).toEqual([expect.stringMatching(/^invalid config edge\.domain\.domainName=undefined: set -c domainName=/)]);
    expect(contextProblems({ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }))
      .toEqual([expect.stringMatching(/^invalid config edge\.domain\.certificateArn=.*also set -c domainName=/)]);
  });

  test('the account log role switch takes true or false only', () => {
    expect(testConfig({ manageApiGatewayAccountRole: 'false' }).edge.manageApiGatewayAccountRole).toBe(false);
    expect(testConfig({}).edge.manageApiGatewayAccountRole).toBe(true);
    expect(contextProblems({ manageApiGatewayAccountRole: 'no' })).toEqual(['invalid config edge.manageApiGatewayAccountRole="no": use true or false']);
  });

  test('prod refuses optional MFA', () => {
    const base = testConfig(PROD_CONTEXT);
    expect(() => validatePlatformConfig({ ...base, edge: { ...base.edge, mfa: 'optional' } })).toThrow("prod requires MFA: use 'required'");
  });

  test.each([
    ['a scope name with spaces', { scopes: ['read all'] },
      'invalid config services[0].scopes="read all": a scope name cannot contain spaces'],
    ["an admin scope outside the service's scopes", { adminScope: 'audit' },
      'invalid config services[0].adminScope="audit": use one of the service\'s scopes (read, write, admin), or add it to them'],
    ['an admin scope that a route requires (every client holds the route scopes)', { adminScope: 'read' },
      'invalid config services[0].adminScope="read": use a scope no route requires'],
  ])('%s in the catalogue stops the edge stack before it is built', (_name, change, expected) => {
    const [orders, ...rest] = SERVICE_CATALOGUE.services;
    const catalogue = { ...SERVICE_CATALOGUE, services: [{ ...orders, ...change }, ...rest] };
    expect(() => validateServiceCatalogue(catalogue)).toThrow(expected);
    expect(() => buildEdge({ catalogue })).toThrow(expected);
  });
});
