import { Match, Template } from 'aws-cdk-lib/assertions';
import { MANAGED_RULE_GROUPS } from '../../lib/constructs/api-firewall';
import { buildEdge } from './edge-fixture';
import { PROD_CONTEXT } from '../support/platform-fixture';

let dev: Template;
let prod: Template;
let restricted: Template;
let dualStack: Template;
let logging: Template;
beforeAll(() => {
  const fixture = buildEdge();
  dev = Template.fromStack(fixture.edge);
  logging = Template.fromStack(fixture.logging);
  prod = Template.fromStack(buildEdge({ context: PROD_CONTEXT }).edge);
  restricted = Template.fromStack(
    buildEdge({
      edge: {
        waf: {
          rateLimitPer5Min: 100,
          allowedCidrs: ['203.0.113.0/24'],
          blockedCountries: ['KP'],
          maxBodyBytes: 4096,
          anonymousIpList: false,
        },
      },
    }).edge,
  );
  // From context, as `cdk synth -c allowedCidrs=… -c blockedCountries=…` sets them.
  dualStack = Template.fromStack(
    buildEdge({
      context: { allowedCidrs: '203.0.113.0/24,2001:db8::/32,198.51.100.7/32', blockedCountries: 'KP,IR' },
    }).edge,
  );
});

const rules = (t: Template) => Object.values(t.findResources('AWS::WAFv2::WebACL'))[0].Properties.Rules as any[];
const rule = (t: Template, name: string) => rules(t).find((r) => r.Name === name);
const managedNames = (t: Template) =>
  rules(t)
    .filter((r) => r.Statement.ManagedRuleGroupStatement)
    .map((r) => r.Statement.ManagedRuleGroupStatement.Name);

test('a regional WebACL guards the API stage', () => {
  dev.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
  dev.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
    ResourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/stages/')])]) }),
  });
});

test('AWS managed groups Common, KnownBadInputs, SQLi and IP reputation; anonymous IPs in prod only', () => {
  expect(managedNames(dev)).toEqual(expect.arrayContaining([...MANAGED_RULE_GROUPS]));
  expect(managedNames(dev)).not.toContain('AWSManagedRulesAnonymousIpList');
  expect(managedNames(prod)).toContain('AWSManagedRulesAnonymousIpList');
  for (const r of rules(dev).filter((x) => x.Statement.ManagedRuleGroupStatement)) expect(r.OverrideAction).toEqual({ None: {} });
});

test('a rate-based rule per client IP from config', () => {
  expect(rule(dev, 'RateLimitPerClientIp')).toMatchObject({
    Action: { Block: {} },
    Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
  });
  expect(rule(prod, 'RateLimitPerClientIp').Statement.RateBasedStatement.Limit).toBe(2000);
});

test('a body-size rule from config; WAF inspects at least that much, and the common set does not override it', () => {
  expect(rule(dev, 'BodyTooLarge')).toMatchObject({
    Action: { Block: {} },
    Statement: {
      SizeConstraintStatement: { ComparisonOperator: 'GT', Size: 16384, FieldToMatch: { Body: { OversizeHandling: 'MATCH' } } },
    },
  });
  dev.hasResourceProperties('AWS::WAFv2::WebACL', {
    AssociationConfig: { RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_16' } } },
  });
  expect(rule(dev, 'AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
    { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
  ]);
  expect(Object.values(restricted.findResources('AWS::WAFv2::WebACL'))[0].Properties.AssociationConfig).toBeUndefined();
});

test('optional allowlist and geo rules, evaluated first; absent unless configured', () => {
  expect(
    rules(restricted)
      .slice(0, 2)
      .map((r) => r.Name),
  ).toEqual(['BlockOutsideAllowlist', 'BlockCountries']);
  expect(rule(restricted, 'BlockOutsideAllowlist').Statement.NotStatement.Statement.IPSetReferenceStatement).toBeDefined();
  restricted.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['203.0.113.0/24'], Scope: 'REGIONAL' });
  expect(rule(restricted, 'BlockCountries').Statement.GeoMatchStatement.CountryCodes).toEqual(['KP']);
  expect(rule(dev, 'BlockOutsideAllowlist')).toBeUndefined();
  expect(rule(dev, 'BlockCountries')).toBeUndefined();
  dev.resourceCountIs('AWS::WAFv2::IPSet', 0);
});

test('an allowlist of IPv4 and IPv6 networks from context: one IP set per version, blocked unless in either', () => {
  const sets = Object.entries(dualStack.findResources('AWS::WAFv2::IPSet'));
  expect(sets.map(([, set]) => [set.Properties.IPAddressVersion, set.Properties.Addresses]).sort()).toEqual([
    ['IPV4', ['203.0.113.0/24', '198.51.100.7/32']],
    ['IPV6', ['2001:db8::/32']],
  ]);
  const outside = rule(dualStack, 'BlockOutsideAllowlist');
  expect(outside.Action).toEqual({ Block: {} });
  expect(
    outside.Statement.NotStatement.Statement.OrStatement.Statements.map((s: any) => s.IPSetReferenceStatement.Arn['Fn::GetAtt'][0]).sort(),
  ).toEqual(sets.map(([id]) => id).sort());
  expect(rule(dualStack, 'BlockCountries').Statement.GeoMatchStatement.CountryCodes).toEqual(['KP', 'IR']);
  expect(
    rules(dualStack)
      .slice(0, 2)
      .map((r) => r.Name),
  ).toEqual(['BlockOutsideAllowlist', 'BlockCountries']);
});

test('every rule has metrics and sampled requests', () => {
  for (const r of rules(dev)) expect(r.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
});

test('WAF logs go to a KMS-encrypted aws-waf-logs-* group with the authorization header redacted', () => {
  dev.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
    RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
    // The ARN without the `:*` suffix LogGroup.logGroupArn carries, which WAF rejects.
    LogDestinationConfigs: [
      { 'Fn::Join': ['', [Match.stringLikeRegexp(':log-group:$'), Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() })]] },
    ],
  });
  logging.hasResourceProperties('AWS::Logs::LogGroup', {
    LogGroupName: 'aws-waf-logs-dev-platform-edge',
    KmsKeyId: Match.anyValue(),
    RetentionInDays: Match.anyValue(),
  });
});
