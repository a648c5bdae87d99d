import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnElement } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as path from 'path';
import { nagPacks } from '../../lib/compliance/compliance-gate';
import { EdgeStack } from '../../lib/stacks/edge-stack';
import { Finding } from '../support/compliance';
import { buildEdge } from './edge-fixture';
import { PROD_CONTEXT } from '../support/platform-fixture';

/** The Control Tower rules for API Gateway and WAF: the gate's own rule files, without the 200-odd others (12 s). */
const CONTROL_TOWER_RULES = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);
const guard = new CfnGuardValidator({
  controlTowerRulesEnabled: false,
  rules: ['apigateway', 'waf'].map((service) => path.join(CONTROL_TOWER_RULES, service)),
});

/** Raw findings on the edge stack alone: all four nag packs, and Control Tower's API Gateway and WAF rules. */
function edgeFindings(context: Record<string, unknown>, breakIt: (edge: EdgeStack) => void = () => {}): Finding[] {
  const { app, edge } = buildEdge({ context });
  breakIt(edge);
  const findings: Finding[] = [];
  for (const pack of nagPacks()) {
    for (const violation of pack.validateScope(edge).violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ id: violation.ruleName, path: resource.constructPath ?? '?', description: violation.description });
      }
    }
  }
  const pathOf = new Map(
    edge.node
      .findAll()
      .filter(CfnElement.isCfnElement)
      .map((e) => [edge.resolve(e.logicalId), e.node.path]),
  );
  const assembly = app.synth();
  const report = guard.validate({ templatePaths: [path.join(assembly.directory, edge.templateFile)], appConstruct: app });
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      findings.push({
        id: `cdk-validator-cfnguard::${violation.ruleName}`,
        path: pathOf.get(resource.resourceLogicalId) ?? resource.resourceLogicalId,
        description: '',
      });
    }
  }
  return findings;
}

const API_WAF_COGNITO_RULE = /APIGW|WAF|Cognito|COG\d|api_gw|apigateway|waf/i;

// Prod only: the platform-wide gate test (test/compliance) checks every configuration against the acknowledgements.
test('prod: no API Gateway, WAF or Cognito rule fires, except the three acknowledged ones', () => {
  const fired = edgeFindings(PROD_CONTEXT).filter((f) => API_WAF_COGNITO_RULE.test(f.id));
  // Acknowledged in lib/compliance/acknowledgements.ts: caching is off because cache keys ignore the caller; the
  // account logging role uses the managed policy API Gateway documents; Control Tower knows only the legacy TLS_1_2
  // name while the domain uses a stricter enhanced policy.
  expect(fired.map((f) => f.id).sort()).toEqual([
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
    'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
    'PCI.DSS.321-APIGWCacheEnabledAndEncrypted',
    'cdk-validator-cfnguard::api_gw_domain_tls_check',
  ]);
});

test('the check is not vacuous: a stage without X-Ray is reported by the nag packs and by Control Tower', () => {
  const ids = edgeFindings(PROD_CONTEXT, (edge) => {
    (edge.api.stage.node.defaultChild as apigateway.CfnStage).tracingEnabled = false;
  }).map((f) => f.id);
  expect(ids).toEqual(expect.arrayContaining(['cdk-validator-cfnguard::api_gw_xray_enabled_check', 'HIPAA.Security-APIGWXrayEnabled']));
});
