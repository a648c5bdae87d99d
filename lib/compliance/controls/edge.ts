import { text } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

export const EDGE_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'EDGE-1',
    title: 'A regional WAF WebACL guards the API stage: AWS managed rule groups, per-IP rate limit, body-size limit',
    category: 'edge',
    nist: ['SC-7', 'SC-5', 'SI-10'],
    implementedIn: ['lib/constructs/api-firewall.ts', 'lib/stacks/edge-stack.ts'],
    provenBy: { file: 'test/edge/api-firewall.test.ts', test: 'a regional WebACL guards the API stage' },
    gateRules: ['APIGWAssociatedWithWAF', 'APIG3', 'api_gw_associated_with_waf'],
    evidence: firewallGuardsApiStage,
  },
  {
    id: 'EDGE-2',
    title: 'Every API method is Cognito-authorized with its catalogue scope and validated before it reaches a service',
    category: 'edge',
    nist: ['AC-3', 'IA-2', 'SI-10'],
    implementedIn: ['lib/constructs/platform-api.ts'],
    provenBy: { file: 'test/edge/platform-api.test.ts', test: 'one method per public route, none open' },
    gateRules: ['APIGWAuthorization', 'APIG4', 'COG4', 'APIGWRequestValidation', 'APIG2'],
    evidence: apiMethodsAuthorizedAndValidated,
  },
  {
    id: 'EDGE-3',
    title:
      'Only a private path to the cluster: API Gateway reaches an internal NLB through a VPC link; with a domain the NLB ' +
      'presents a public ACM certificate API Gateway verifies and re-encrypts to the ingress (plain HTTP only in the dev fallback)',
    category: 'edge',
    nist: ['SC-7', 'SC-8'],
    implementedIn: ['lib/constructs/private-ingress.ts', 'lib/constructs/api-domain.ts', 'lib/stacks/edge-stack.ts'],
    provenBy: { file: 'test/edge/private-ingress.test.ts', test: 'an internal NLB in the workload subnets' },
    evidence: privatePathToCluster,
  },
  {
    id: 'EDGE-4',
    title: 'API stage: JSON access logs to the encrypted central group, X-Ray tracing, throttling; no data tracing',
    category: 'edge',
    nist: ['AU-12', 'AU-3', 'SC-5'],
    implementedIn: ['lib/constructs/platform-api.ts'],
    provenBy: { file: 'test/edge/platform-api.test.ts', test: 'JSON access logs to the KMS-encrypted central log group' },
    gateRules: ['APIGWAccessLogging', 'APIG1', 'APIGWXrayEnabled', 'APIGWExecutionLoggingEnabled', 'APIG6'],
    evidence: apiStageLoggedTracedThrottled,
  },
];

export function firewallGuardsApiStage({ assembly }: ControlEvidence): boolean {
  const acls = assembly
    .ofType('AWS::WAFv2::WebACL')
    .filter(
      (acl) =>
        acl.properties.Scope === 'REGIONAL' &&
        ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'].every((name) =>
          text(acl.properties.Rules).includes(name),
        ) &&
        text(acl.properties.Rules).includes('RateBasedStatement'),
    );
  return acls.some((acl) =>
    assembly.some(
      'AWS::WAFv2::WebACLAssociation',
      (p) =>
        text(p.WebACLArn).includes(acl.logicalId) &&
        assembly.ofType('AWS::ApiGateway::Stage').some((stage) => text(p.ResourceArn).includes(stage.logicalId)),
    ),
  );
}

export function apiMethodsAuthorizedAndValidated({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::ApiGateway::Method',
    (p) =>
      p.HttpMethod === 'OPTIONS' ||
      (p.AuthorizationType === 'COGNITO_USER_POOLS' && (p.AuthorizationScopes ?? []).length > 0 && p.RequestValidatorId !== undefined),
  );
}

export function privatePathToCluster({ assembly }: ControlEvidence): boolean {
  return (
    assembly.every('AWS::ElasticLoadBalancingV2::LoadBalancer', (p) => p.Scheme === 'internal') &&
    assembly.every(
      'AWS::ElasticLoadBalancingV2::Listener',
      (p) => (p.Port === 443 && p.Protocol === 'TLS' && text(p.Certificates) !== '') || (p.Port === 80 && p.Protocol === 'TCP'),
    ) &&
    assembly
      .ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')
      .every((lb) => assembly.some('AWS::ApiGateway::VpcLink', (p) => text(p.TargetArns).includes(lb.logicalId)))
  );
}

export function apiStageLoggedTracedThrottled({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::ApiGateway::Stage',
    (p) =>
      p.AccessLogSetting?.DestinationArn !== undefined &&
      p.TracingEnabled === true &&
      (p.MethodSettings ?? []).length > 0 &&
      (p.MethodSettings ?? []).every((m: any) => m.DataTraceEnabled !== true && m.ThrottlingRateLimit !== undefined),
  );
}
