import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizePlatform } from '../../lib/app';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { loadPlatformConfig, PLACEHOLDER_ACCOUNT, profileDefaults, validatePlatformConfig } from '../../lib/config';
import { configProblems } from '../support/config-problems';
import { PROD_CONTEXT, testConfig } from '../support/platform-fixture';

/** Loads with the given context and returns the one-line messages, or [] when valid. */
const problems = (context: Record<string, unknown>) => configProblems(() => testConfig(context));

describe('loadPlatformConfig', () => {
  test('defaults to the dev profile with a placeholder account, so synth works offline', () => {
    const config = testConfig();
    expect(config.profile).toBe('dev');
    expect(config.env.account).toBe(PLACEHOLDER_ACCOUNT);
    expect(config.network.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
  });

  test('prod spans three zones, retains data and requires MFA', () => {
    const config = testConfig(PROD_CONTEXT);
    expect(config.network.availabilityZones).toHaveLength(3);
    expect(config.retainData).toBe(true);
    expect(config.edge.mfa).toBe('required');
  });

  test('account and region come from context first, then the CLI environment', () => {
    const fromEnv = loadPlatformConfig(() => undefined, SERVICE_CATALOGUE, {
      CDK_DEFAULT_ACCOUNT: '222222222222',
      CDK_DEFAULT_REGION: 'us-west-2',
    });
    expect(fromEnv.env).toEqual({ account: '222222222222', region: 'us-west-2' });
    expect(fromEnv.network.availabilityZones).toEqual(['us-west-2a', 'us-west-2b']);
    const fromContext = loadPlatformConfig(
      (key) => (({ account: '333333333333', region: 'ap-south-1' }) as Record<string, string>)[key],
      SERVICE_CATALOGUE,
      { CDK_DEFAULT_ACCOUNT: '222222222222', CDK_DEFAULT_REGION: 'us-west-2' },
    );
    expect(fromContext.env).toEqual({ account: '333333333333', region: 'ap-south-1' });
  });

  test('list-valued context accepts comma-separated strings', () => {
    const config = testConfig({ availabilityZones: 'us-east-1b, us-east-1c', adminRoleArns: 'arn:aws:iam::111111111111:role/A' });
    expect(config.network.availabilityZones).toEqual(['us-east-1b', 'us-east-1c']);
    expect(config.cluster.adminRoleArns).toEqual(['arn:aws:iam::111111111111:role/A']);
  });

  test('the WAF allowlist (IPv4 and IPv6) and blocked countries come from comma-separated context or cdk.json lists', () => {
    expect(testConfig().edge.waf).toMatchObject({ allowedCidrs: [], blockedCountries: [] });
    const config = testConfig({ allowedCidrs: '203.0.113.0/24, 2001:db8::/32', blockedCountries: 'KP,IR' });
    expect(config.edge.waf).toMatchObject({ allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'], blockedCountries: ['KP', 'IR'] });
    expect(testConfig({ allowedCidrs: ['198.51.100.0/24'], blockedCountries: ['CU'] }).edge.waf).toMatchObject({
      allowedCidrs: ['198.51.100.0/24'],
      blockedCountries: ['CU'],
    });
    // The rest of the WAF slice keeps the profile's values.
    expect(testConfig({ ...PROD_CONTEXT, allowedCidrs: '203.0.113.0/24' }).edge.waf).toMatchObject({
      rateLimitPer5Min: 2000,
      anonymousIpList: true,
      allowedCidrs: ['203.0.113.0/24'],
    });
  });
});

describe('bad configuration stops with one line naming the field, the value and the fix', () => {
  test.each([
    ['an unknown profile', { profile: 'staging' }, 'invalid config profile="staging": use one of dev, prod'],
    ['a bad CIDR', { vpcCidr: '10.0.0.300/16' }, 'invalid config network.cidr="10.0.0.300/16": use an IPv4 network in CIDR form'],
    ['a CIDR with host bits set', { vpcCidr: '10.0.0.1/16' }, 'invalid config network.cidr="10.0.0.1/16"'],
    ['a VPC prefix out of range', { vpcCidr: '10.0.0.0/8' }, 'a VPC prefix must be between /16 and /24'],
    ['a region with the wrong shape', { region: 'Europe' }, 'invalid config env.region="Europe": use a region name such as eu-west-1'],
    [
      'zero availability zones',
      { availabilityZones: '' },
      'invalid config network.availabilityZones=[]: list at least one availability zone',
    ],
    [
      'a zone of another region',
      { availabilityZones: 'us-east-1a,eu-west-1b' },
      'invalid config network.availabilityZones="eu-west-1b": each zone must belong to region us-east-1',
    ],
    [
      'a retention CloudWatch does not accept',
      { logRetentionDays: 400.5 },
      'invalid config logging.retentionDays=400.5: use one of the values CloudWatch Logs accepts',
    ],
    ['a retention shorter than a year', { logRetentionDays: 30 }, 'invalid config logging.retentionDays=30: keep logs at least 365 days'],
    ['a non-numeric retention', { logRetentionDays: 'forever' }, 'invalid config logging.retentionDays="forever": use a number'],
    ['an unknown egress mode', { egress: 'internet' }, `invalid config network.egress="internet": use 'nat' or 'isolated'`],
    ['an unknown mTLS mode', { mtls: 'sidecar' }, `invalid config cluster.mtls="sidecar": use 'istio-ambient' or 'native'`],
    [
      'isolated egress without the image cache',
      { egress: 'isolated', imageCache: false },
      "invalid config network.imageCache=false: isolated egress has no internet path: the image cache is how nodes get the components' images, so leave it on",
    ],
    [
      'a Docker Hub credential that is not a pull-through cache secret of this account',
      { dockerHubCredentialArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:dockerhub-AbCdEf' },
      'invalid config network.dockerHubCredentialArn="arn:aws:secretsmanager:us-east-1:111111111111:secret:dockerhub-AbCdEf": use the ARN of a Secrets Manager secret of this account and region whose name starts with ecr-pullthroughcache/',
    ],
    [
      'Auto Mode with the image cache',
      { egress: 'isolated', compute: 'auto-mode' },
      'invalid config cluster.compute="auto-mode": the image cache grants its import permission to the platform\'s node roles',
    ],
    ['an unknown compute mode', { compute: 'fargate' }, 'invalid config cluster.compute="fargate": use one of karpenter, auto-mode'],
    [
      'prod without named admins',
      { profile: 'prod', domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      'invalid config cluster.adminRoleArns=[]: name the roles that administer a prod cluster',
    ],
    [
      'a deletion protection that is not a boolean',
      { deletionProtection: 'off' },
      'invalid config deletionProtection="off": use true or false',
    ],
    [
      'a cluster admin that is not a role ARN',
      { adminRoleArns: 'arn:aws:iam::111111111111:user/alice' },
      'invalid config cluster.adminRoleArns="arn:aws:iam::111111111111:user/alice": use an IAM role ARN',
    ],
    ['a bad account', { account: '12345' }, 'invalid config env.account="12345": use a 12-digit AWS account id'],
    [
      'an allowlist entry that is not a network',
      { allowedCidrs: '203.0.113.0/24,2001:db8::1' },
      'invalid config edge.waf.allowedCidrs="2001:db8::1": use an IPv4 or IPv6 network in CIDR form',
    ],
    [
      'a country WAF does not know',
      { blockedCountries: 'KP,EU' },
      'invalid config edge.waf.blockedCountries="EU": use an ISO 3166 alpha-2 code AWS WAF knows',
    ],
  ])('%s', (_name, context, expected) => {
    const messages = problems(context);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n|at .*\.ts:\d+/);
  });

  test.each([
    [{ cpuLimit: 0, memoryLimitGiB: 64 }, 'invalid config cluster.karpenter.cpuLimit=0: use a whole number of vCPUs above 0'],
    [
      { cpuLimit: 16, memoryLimitGiB: 8 },
      'invalid config cluster.karpenter.memoryLimitGiB=8: use a whole number of GiB of at least cpuLimit (16)',
    ],
  ])("Karpenter's node pool limits %j", (karpenter, expected) => {
    const config = profileDefaults('dev', { account: '123456789012', region: 'eu-central-1' });
    expect(() => validatePlatformConfig({ ...config, cluster: { ...config.cluster, karpenter } }, SERVICE_CATALOGUE)).toThrow(expected);
  });

  test('a valid configuration passes unchanged', () => {
    const config = profileDefaults('dev', { account: '123456789012', region: 'eu-central-1' });
    expect(validatePlatformConfig(config, SERVICE_CATALOGUE)).toBe(config);
  });

  test('several problems are all reported at once', () => {
    const messages = problems({ vpcCidr: 'nope', region: 'nowhere' });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('env.region="nowhere"');
    expect(messages[1]).toContain('network.cidr="nope"');
  });
});

describe('synthesizePlatform', () => {
  test('a bad configuration prints one line, returns 1 and writes nothing', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-')), 'cdk.out');
    const lines: string[] = [];
    const app = new App({ outdir, context: { profile: 'qa' } });
    expect(synthesizePlatform(app, SERVICE_CATALOGUE, { env: {}, log: (line) => lines.push(line) })).toBe(1);
    expect(lines).toEqual(['invalid config profile="qa": use one of dev, prod (-c profile=prod)']);
    expect(fs.existsSync(outdir) ? fs.readdirSync(outdir) : []).toEqual([]);
  });
});
