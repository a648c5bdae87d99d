import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { ApiClientConfig, configWarnings, EdgeConfig, validatePlatformConfig, WAF_MIN_RATE_LIMIT } from '../../lib/config';
import { buildPlatform, PROD_CONTEXT, TEST_API_CLIENTS, TEST_DOMAIN, testConfig } from '../support/platform-fixture';
import { configProblems, DEV_DEFAULTS, sliceProblems } from '../support/config-problems';

const edgeProblems = (edge: Partial<EdgeConfig>) => sliceProblems('edge', edge);
/** The lines `cdk synth -c …` would print for this context. */
const contextProblems = (context: Record<string, unknown>) => configProblems(() => testConfig(context));
const waf = DEV_DEFAULTS.edge.waf;
const ZONE_ID = TEST_DOMAIN.hostedZoneId;

describe('bad edge configuration stops with one line naming the field, the value and the fix', () => {
  test.each<[string, Partial<EdgeConfig>, string]>([
    [
      'a throttle burst below the rate',
      { throttle: { rateLimit: 100, burstLimit: 10 } },
      'invalid config edge.throttle.burstLimit=10: must be at least rateLimit (100)',
    ],
    [
      'a method throttle burst below its rate',
      { methodThrottles: { 'POST /orders': { rateLimit: 5, burstLimit: 1 } } },
      'invalid config edge.methodThrottles["POST /orders"].burstLimit=1: must be at least rateLimit (5)',
    ],
    [
      'a method throttle keyed by something other than METHOD /path',
      { methodThrottles: { orders: { rateLimit: 1, burstLimit: 1 } } },
      'invalid config edge.methodThrottles="orders": key each limit by METHOD /path',
    ],
    [
      'a WAF rate limit below what WAF can express',
      { waf: { ...waf, rateLimitPer5Min: WAF_MIN_RATE_LIMIT - 1 } },
      'invalid config edge.waf.rateLimitPer5Min=9: AWS WAF accepts whole numbers from 10',
    ],
    [
      'an allowlist entry that is not a CIDR',
      { waf: { ...waf, allowedCidrs: ['203.0.113.7'] } },
      'invalid config edge.waf.allowedCidrs="203.0.113.7": use an IPv4 or IPv6 network in CIDR form with the host bits zero',
    ],
    [
      'an IPv4 allowlist entry with host bits set',
      { waf: { ...waf, allowedCidrs: ['203.0.113.7/24'] } },
      'invalid config edge.waf.allowedCidrs="203.0.113.7/24": use an IPv4 or IPv6 network in CIDR form with the host bits zero',
    ],
    [
      'an IPv6 allowlist entry with host bits set',
      { waf: { ...waf, allowedCidrs: ['2001:db8::1/32'] } },
      'invalid config edge.waf.allowedCidrs="2001:db8::1/32": use an IPv4 or IPv6 network',
    ],
    [
      'an IPv6 prefix longer than 128 bits',
      { waf: { ...waf, allowedCidrs: ['2001:db8::/129'] } },
      'invalid config edge.waf.allowedCidrs="2001:db8::/129": use an IPv4 or IPv6 network',
    ],
    [
      'an IPv6 address with a zone',
      { waf: { ...waf, allowedCidrs: ['fe80::%eth0/64'] } },
      'invalid config edge.waf.allowedCidrs="fe80::%eth0/64": use an IPv4 or IPv6 network',
    ],
    [
      'an IPv4 allowlist entry admitting everyone',
      { waf: { ...waf, allowedCidrs: ['0.0.0.0/0'] } },
      'invalid config edge.waf.allowedCidrs="0.0.0.0/0": a /0 admits every address (and WAF refuses it)',
    ],
    [
      'an IPv6 allowlist entry admitting everyone',
      { waf: { ...waf, allowedCidrs: ['::/0'] } },
      'invalid config edge.waf.allowedCidrs="::/0": a /0 admits every address',
    ],
    [
      'a country code WAF does not know',
      { waf: { ...waf, blockedCountries: ['UK'] } },
      'invalid config edge.waf.blockedCountries="UK": use an ISO 3166 alpha-2 code AWS WAF knows, in capitals, such as DE (the United Kingdom is GB)',
    ],
    [
      'a country code in lower case',
      { waf: { ...waf, blockedCountries: ['kp'] } },
      'invalid config edge.waf.blockedCountries="kp": use an ISO 3166 alpha-2 code AWS WAF knows, in capitals',
    ],
    [
      'a body limit WAF cannot inspect',
      { waf: { ...waf, maxBodyBytes: 100_000 } },
      'invalid config edge.waf.maxBodyBytes=100000: use a whole number of bytes from 1 to 65536',
    ],
    [
      'a domain that is not a DNS name',
      { domain: { domainName: 'https://example.com', hostedZoneId: ZONE_ID } },
      'invalid config edge.domain.domainName="https://example.com": use the name of a Route 53 public hosted zone you own',
    ],
    [
      'a hosted zone id Route 53 would not issue',
      { domain: { domainName: 'example.com', hostedZoneId: 'zone-1' } },
      'invalid config edge.domain.hostedZoneId="zone-1": use the id of that public hosted zone',
    ],
    [
      'a certificate from another region',
      {
        domain: { domainName: 'example.com', hostedZoneId: ZONE_ID, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
      },
      'invalid config edge.domain.certificateArn="arn:aws:acm:eu-west-1:123456789012:certificate/abc": use an ACM certificate ARN in us-east-1 covering api.example.com and ingress.example.com',
    ],
    [
      'a client truststore without its object key',
      { domain: { domainName: 'example.com', hostedZoneId: ZONE_ID, clientTruststore: { bucketName: 'trust', key: '' } } },
      'invalid config edge.domain.clientTruststore.key="": use the object key of the PEM truststore',
    ],
  ])('%s', (_name, edge, expected) => {
    const messages = edgeProblems(edge);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n/);
  });

  test('IPv4 and IPv6 networks in full or compressed form, and the codes WAF knows, are valid', () => {
    expect(
      edgeProblems({
        waf: {
          ...waf,
          allowedCidrs: [
            '203.0.113.0/24',
            '198.51.100.7/32',
            '2001:db8::/32',
            '2001:0db8:0000:0000:0000:0000:0000:0000/48',
            '::1/128',
            '2001:db8:0:1::/64',
          ],
          blockedCountries: ['KP', 'GB', 'XK'],
        },
      }),
    ).toEqual([]);
  });

  test('the dev defaults are valid; prod is valid once it has a domain', () => {
    expect(edgeProblems({})).toEqual([]);
    expect(testConfig(PROD_CONTEXT).edge.domain).toEqual({ domainName: 'example.com', hostedZoneId: ZONE_ID });
  });

  test('prod without a domain stops with one line naming domainName, hostedZoneId and the fix', () => {
    const problems = contextProblems({ profile: 'prod', adminRoleArns: PROD_CONTEXT.adminRoleArns });
    expect(problems).toEqual([expect.stringMatching(/^invalid config edge\.domain=undefined: .*-c domainName=.*-c hostedZoneId=/)]);
  });

  test('a zone name without its id (or the reverse) is refused: the zone is never looked up', () => {
    expect(contextProblems({ domainName: 'example.com' })).toEqual([
      expect.stringMatching(/^invalid config edge\.domain\.hostedZoneId=undefined: set -c hostedZoneId=/),
    ]);
    expect(contextProblems({ hostedZoneId: ZONE_ID })).toEqual([
      expect.stringMatching(/^invalid config edge\.domain\.domainName=undefined: set -c domainName=/),
    ]);
    expect(contextProblems({ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' })).toEqual([
      expect.stringMatching(/^invalid config edge\.domain\.certificateArn=.*also set -c domainName=/),
    ]);
  });

  test('the account log role switch takes true or false only', () => {
    expect(testConfig({ manageApiGatewayAccountRole: 'false' }).edge.manageApiGatewayAccountRole).toBe(false);
    expect(testConfig({}).edge.manageApiGatewayAccountRole).toBe(true);
    expect(contextProblems({ manageApiGatewayAccountRole: 'no' })).toEqual([
      'invalid config edge.manageApiGatewayAccountRole="no": use true or false',
    ]);
  });

  test('prod refuses optional MFA', () => {
    const base = testConfig(PROD_CONTEXT);
    expect(() => validatePlatformConfig({ ...base, edge: { ...base.edge, mfa: 'optional' } }, REFERENCE_CATALOGUE)).toThrow(
      "prod requires MFA: use 'required'",
    );
  });
});

/** The dev profile with these clients (and otherwise unchanged edge settings). */
const clientProblems = (clients: readonly ApiClientConfig[], edge: Partial<EdgeConfig> = {}) => edgeProblems({ clients, ...edge });
const partner: ApiClientConfig = TEST_API_CLIENTS[0];

describe('API clients: bad configuration stops synth naming the client field and the fix', () => {
  test('the sample clients are valid in dev and prod', () => {
    expect(clientProblems(TEST_API_CLIENTS)).toEqual([]);
    const prod = testConfig(PROD_CONTEXT);
    expect(
      configProblems(() => validatePlatformConfig({ ...prod, edge: { ...prod.edge, clients: TEST_API_CLIENTS } }, REFERENCE_CATALOGUE)),
    ).toEqual([]);
  });

  test.each<[string, readonly ApiClientConfig[], string]>([
    [
      'a scope the catalogue does not define',
      [{ ...partner, scopes: ['orders/read', 'orders/delete'] }],
      'invalid config edge.clients[0].scopes="orders/delete": use a scope the catalogue defines: orders/read, orders/write, orders/admin, inventory/read, inventory/write',
    ],
    [
      'an admin scope granted without admin: true',
      [{ ...partner, scopes: ['orders/read', 'orders/admin'] }],
      'invalid config edge.clients[0].scopes="orders/admin": an admin scope reaches every subject\'s resources: grant it deliberately with admin: true on this client, or remove it',
    ],
    [
      'admin: true without an admin scope',
      [{ ...partner, admin: true }],
      'invalid config edge.clients[0].admin=true: no admin scope is in scopes: remove admin, or add the admin scope (orders/admin)',
    ],
    [
      'scopes that open no public route',
      [{ ...partner, scopes: ['orders/admin'], admin: true }],
      'invalid config edge.clients[0].scopes=["orders/admin"]: list a scope that opens a public route (GET /orders/{orderId} needs orders/read',
    ],
    [
      "a quota that cannot absorb one second at the client's rate",
      [{ ...partner, quota: { limit: 4, period: 'day' } }],
      "invalid config edge.clients[0].quota.limit=4: must be at least rateLimit (5): a smaller quota cannot absorb even one second at the client's own rate",
    ],
    [
      'a quota that is not a whole number',
      [{ ...partner, quota: { limit: 1000.5, period: 'day' } }],
      'invalid config edge.clients[0].quota.limit=1000.5: use a whole number of requests per period',
    ],
    [
      'a quota period API Gateway usage plans are not offered for here',
      [{ ...partner, quota: { limit: 1000, period: 'week' as 'day' } }],
      "invalid config edge.clients[0].quota.period=\"week\": use 'day' or 'month'",
    ],
    [
      'a burst below the rate',
      [{ ...partner, rateLimit: 5, burstLimit: 2 }],
      'invalid config edge.clients[0].burstLimit=2: must be at least rateLimit (5)',
    ],
    [
      "a rate above the stage's",
      [{ ...partner, rateLimit: 60, burstLimit: 60 }],
      'invalid config edge.clients[0].rateLimit=60: the stage limit edge.throttle.rateLimit (50) applies to every caller first',
    ],
    [
      'a repeated name',
      [partner, { ...partner }],
      'invalid config edge.clients[1].name="partner-a": edge.clients[0] has the same name: rename one',
    ],
    [
      'names whose output keys would collide',
      [
        { ...partner, name: 'partner-2' },
        { ...partner, name: 'partner2' },
      ],
      'invalid config edge.clients[1].name="partner2": edge.clients[0] (partner-2) would have the same stack output ApiClientPartner2KeyId (names lose their hyphens there): rename one',
    ],
    [
      'a name AWS resource names and output keys cannot carry',
      [{ ...partner, name: 'Partner_A' }],
      'invalid config edge.clients[0].name="Partner_A": use 2 to 32 lowercase letters, digits and single hyphens, starting with a letter',
    ],
    ['a name with a double hyphen', [{ ...partner, name: 'partner--a' }], 'invalid config edge.clients[0].name="partner--a": use 2 to 32'],
    [
      'a client that would not require its key on a method another client requires keys on',
      [partner, { ...TEST_API_CLIENTS[1], scopes: ['inventory/read', 'inventory/write'] }],
      'invalid config edge.clients[1].requireKey=false: GET /inventory/{sku} requires a key because partner-a requires one there, and API Gateway ' +
        'requires keys per method, for every caller: set requireKey: true (the client has a key), or drop the scope',
    ],
  ])('%s', (_name, clients, expected) => {
    const messages = clientProblems(clients);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n/);
  });
});

describe('prod warns when the API admits every network without an effective per-IP rate rule', () => {
  const prod = testConfig(PROD_CONTEXT);
  const withWaf = (change: Partial<typeof waf>) => ({ ...prod, edge: { ...prod.edge, waf: { ...prod.edge.waf, ...change } } });
  // Prod's stage serves 500 requests per second: 150000 in WAF's 5-minute window.
  const unlimited = { rateLimitPer5Min: 150_000 };

  test('not today: prod and dev keep a per-IP limit far below what the stage serves', () => {
    expect(configWarnings(prod)).toEqual([]);
    expect(configWarnings(testConfig())).toEqual([]);
  });

  test('a per-IP limit of everything the stage serves warns, naming the values and the fix; an allowlist or dev does not', () => {
    expect(configWarnings(withWaf(unlimited))).toEqual([
      {
        id: '@platform/edge:openWithoutRateLimit',
        message: expect.stringMatching(
          /rateLimitPer5Min \(150000\) lets one address send all the stage serves in 5 minutes \(150000\): lower it, or .*-c allowedCidrs=/,
        ),
      },
    ]);
    expect(configWarnings(withWaf({ ...unlimited, allowedCidrs: ['203.0.113.0/24'] }))).toEqual([]);
    expect(configWarnings({ ...withWaf(unlimited), profile: 'dev' })).toEqual([]);
  });

  test('synth reports it on the Edge stack', () => {
    const { platform } = buildPlatform(PROD_CONTEXT, { edge: { waf: { ...prod.edge.waf, ...unlimited } } });
    const warnings = platform.edge.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/^the API admits every network.*\[ack: @platform\/edge:openWithoutRateLimit\]$/)]);
  });
});
