import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { parseCidr } from '../private/cidr';

/** Managed rule groups every API gets, in evaluation order (cheap reputation lists before payload inspection). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** Blocks VPNs, proxies, Tor and hosting providers; optional because it also blocks legitimate corporate egress. */
export const ANONYMOUS_IP_RULE_GROUP = 'AWSManagedRulesAnonymousIpList';

/** Headers never written to WAF logs: they carry bearer tokens. */
export const REDACTED_HEADERS = ['authorization'] as const;

/** Body sizes a regional WebACL can inspect, in KB, and the CloudFormation value of each tier. */
const BODY_INSPECTION_TIERS: ReadonlyArray<readonly [number, string]> = [
  [16, 'KB_16'],
  [32, 'KB_32'],
  [48, 'KB_48'],
  [64, 'KB_64'],
];
/** What WAF inspects of an API Gateway body without an association config. */
const DEFAULT_BODY_INSPECTION_BYTES = 8 * 1024;

/** What the WebACL blocks; every rule is on, and an empty list only means nobody is excluded by it. */
export interface ApiFirewallRules {
  /** Requests per client IP per 5-minute window before the IP is blocked; WAF's minimum is 10. */
  readonly rateLimitPer5Min: number;
  /**
   * When non-empty, only these networks may call: IPv4 and IPv6 CIDRs with the host bits zero, e.g. `203.0.113.0/24`,
   * `2001:db8::/32` (each IP version gets its own IP set). Empty admits every network, to the rules below.
   */
  readonly allowedCidrs: readonly string[];
  /** ISO 3166 alpha-2 country codes blocked by a geo rule, e.g. `KP`; empty blocks no country. */
  readonly blockedCountries: readonly string[];
  /** Largest request body accepted, in bytes; a larger body, or one WAF cannot fully inspect, is blocked. */
  readonly maxBodyBytes: number;
  /** Add the anonymous IP list (VPNs, proxies, Tor, hosting providers), which also blocks some corporate egress. */
  readonly anonymousIpList: boolean;
}

export interface ApiFirewallProps extends ApiFirewallRules {
  /** Name of the WebACL and its CloudWatch metrics; a literal, so dashboards in other stacks need no reference. */
  readonly name: string;
  /**
   * Where WAF logs go; must be a KMS-encrypted group named `aws-waf-logs-…` (CentralLogging.createLogGroup
   * with that logGroupName), because WAF delivers only to names with that prefix.
   */
  readonly logGroup: logs.ILogGroup;
}

/** Construct ids of the allowlist's IP sets by IP version (the IPv4 set keeps the id it had before IPv6 was supported). */
const ALLOWLIST_IDS = { 4: 'Allowlist', 6: 'AllowlistIpv6' } as const;

/**
 * A regional WebACL for an API Gateway stage: optional allowlist (IPv4 and IPv6) and geo block, a per-IP rate limit,
 * a body-size limit, and AWS managed rule groups; logs go to CloudWatch with the Authorization header redacted.
 * Associate it with `associate(stageArn)`.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    this.name = props.name;
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const addRule = (name: string, rule: Omit<wafv2.CfnWebACL.RuleProperty, 'name' | 'priority' | 'visibilityConfig'>) => {
      rules.push({ name, priority: rules.length, visibilityConfig: visibility(`${props.name}-${name}`), ...rule });
    };

    const allowlist = allowlistSets(this, props.allowedCidrs);
    if (allowlist.length > 0) {
      const inSets = allowlist.map((set): wafv2.CfnWebACL.StatementProperty => ({ ipSetReferenceStatement: { arn: set.attrArn } }));
      // Block everything else rather than allow the list outright, so allowed clients still pass every rule below.
      addRule('BlockOutsideAllowlist', {
        action: { block: {} },
        statement: { notStatement: { statement: inSets.length === 1 ? inSets[0] : { orStatement: { statements: inSets } } } },
      });
    }
    if (props.blockedCountries.length > 0) {
      addRule('BlockCountries', {
        action: { block: {} },
        statement: { geoMatchStatement: { countryCodes: [...props.blockedCountries] } },
      });
    }
    addRule('RateLimitPerClientIp', {
      action: { block: {} },
      statement: { rateBasedStatement: { limit: props.rateLimitPer5Min, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
    });
    addRule('BodyTooLarge', {
      action: { block: {} },
      statement: {
        sizeConstraintStatement: {
          fieldToMatch: { body: { oversizeHandling: 'MATCH' } }, // a body WAF cannot fully inspect is blocked
          comparisonOperator: 'GT',
          size: props.maxBodyBytes,
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      },
    });
    const managed = props.anonymousIpList
      ? [MANAGED_RULE_GROUPS[0], ANONYMOUS_IP_RULE_GROUP, ...MANAGED_RULE_GROUPS.slice(1)]
      : [...MANAGED_RULE_GROUPS];
    for (const group of managed) {
      addRule(group, {
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group,
            // The body-size limit is ours (BodyTooLarge, from config); the common set's fixed 8 KB limit would override it.
            ruleActionOverrides:
              group === 'AWSManagedRulesCommonRuleSet' ? [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] : undefined,
          },
        },
      });
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules,
      associationConfig: bodyInspection(props.maxBodyBytes),
    });

    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` suffix that LogGroup.logGroupArn carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: props.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
    });
  }

  /** Puts the WebACL in front of a regional resource, e.g. an API Gateway stage. */
  associate(id: string, resourceArn: string): wafv2.CfnWebACLAssociation {
    return new wafv2.CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAcl.attrArn });
  }

  /** Requests a rule (or `ALL` rules) blocked; WAF publishes it under the WebACL's literal name. */
  metricBlockedRequests(rule = 'ALL', props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: this.name, Rule: rule, Region: Stack.of(this).region },
      statistic: 'Sum',
      ...props,
    });
  }
}

/** One IP set per IP version present in the allowlist: an IP set holds addresses of a single version. */
function allowlistSets(scope: Construct, cidrs: readonly string[]): wafv2.CfnIPSet[] {
  const versions = cidrs.map((cidr) => {
    const network = parseCidr(cidr);
    if (!network) throw new Error(`allowedCidrs entry "${cidr}" is not an IPv4 or IPv6 CIDR; use e.g. 203.0.113.0/24 or 2001:db8::/32`);
    return network.version;
  });
  return ([4, 6] as const)
    .filter((version) => versions.includes(version))
    .map(
      (version) =>
        new wafv2.CfnIPSet(scope, ALLOWLIST_IDS[version], {
          scope: 'REGIONAL',
          ipAddressVersion: `IPV${version}`,
          addresses: cidrs.filter((_, i) => versions[i] === version),
          description: `The only IPv${version} client networks allowed to call the API`,
        }),
    );
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

/** Raises WAF's body inspection to the smallest tier that covers the configured limit (larger tiers cost more). */
function bodyInspection(maxBodyBytes: number): wafv2.CfnWebACL.AssociationConfigProperty | undefined {
  if (maxBodyBytes <= DEFAULT_BODY_INSPECTION_BYTES) return undefined;
  const tier = BODY_INSPECTION_TIERS.find(([kb]) => kb * 1024 >= maxBodyBytes);
  if (!tier) throw new Error(`maxBodyBytes ${maxBodyBytes} exceeds the 65536 bytes a regional WebACL can inspect; lower it`);
  return { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: tier[1] } } };
}
