import { Manifest } from '../evidence/access-layers';
import { AssemblyView, TemplateResource } from '../evidence/assembly-view';

/** Resource types drawn in the architecture picture, with their label; others are infrastructure detail. */
const DRAWN_TYPES: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'VPC',
  'AWS::EKS::Cluster': 'EKS cluster (private endpoint)',
  'AWS::EKS::Nodegroup': 'Managed node group',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Internal load balancer',
  'AWS::ApiGateway::VpcLink': 'VPC link',
  'AWS::ApiGateway::RestApi': 'REST API',
  'AWS::WAFv2::WebACL': 'WAF WebACL',
  'AWS::Cognito::UserPool': 'Cognito user pool',
  'AWS::Cognito::IdentityPool': 'Cognito identity pool',
  'AWS::DynamoDB::Table': 'DynamoDB table',
  'AWS::DynamoDB::GlobalTable': 'DynamoDB table',
  'AWS::S3::Bucket': 'S3 bucket',
  'AWS::KMS::Key': 'KMS key',
  'AWS::Logs::LogGroup': 'Log group',
  'AWS::SNS::Topic': 'Alarm topic',
  'AWS::ECR::Repository': 'ECR repository',
  'AWS::IAM::Role': 'IAM role',
};

/** Roles drawn: only those a reviewer asks about (services, identity-pool users); handler and add-on roles are detail. */
const DRAWN_ROLE = (r: TemplateResource) => r.stack === 'Data' || /AuthenticatedRole/.test(r.path ?? '');

/** Types summarised as one node per stack, with a count, so the picture stays readable. */
const GROUPED_TYPES: Readonly<Record<string, string>> = {
  'AWS::EC2::Subnet': 'subnets',
  'AWS::EC2::VPCEndpoint': 'VPC endpoints',
};

/** Resources that only connect a drawn resource to its log group. */
const LOG_CONNECTORS = ['AWS::ApiGateway::Stage', 'AWS::WAFv2::LoggingConfiguration', 'AWS::EC2::FlowLog'];

/** The request path every API call takes, drawn explicitly from client to cluster. */
const EDGE_PATH = [
  'AWS::WAFv2::WebACL',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::VpcLink',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::EKS::Cluster',
];

/** A DOT string; `\n` in the text stays a DOT line break, so labels may use it. */
const quote = (text: string) => `"${text.replace(/"/g, '\\"')}"`;
const nodeId = (r: TemplateResource) => `${r.stack}.${r.logicalId}`;

/** A short, readable name for a resource: the construct path below the stack, else the logical id. */
function shortName(r: TemplateResource): string {
  const parts = (r.path ?? r.logicalId)
    .split('/')
    .slice(r.path ? 1 : 0)
    .filter((p) => p !== 'Resource');
  return parts.slice(-2).join('/') || r.logicalId;
}

/**
 * Graphviz DOT of the synthesized environment: one cluster per stack, the resources that matter to a reviewer,
 * an edge wherever one resource references another (encryption keys, log destinations, networks), and the edge
 * path from the client through WAF, API Gateway, VPC link and load balancer to the cluster.
 */
export function architectureDot(assembly: AssemblyView, manifests: readonly Manifest[] = []): string {
  const drawn = assembly.resources.filter((r) => DRAWN_TYPES[r.type] && (r.type !== 'AWS::IAM::Role' || DRAWN_ROLE(r)));
  const lines = [
    'digraph architecture {',
    '  rankdir=LR; compound=true; newrank=true; nodesep=0.25; ranksep=0.9; bgcolor="transparent";',
    '  node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", color="#98a2b3", fontname="Helvetica", fontsize=10];',
    '  edge [color="#98a2b3", arrowsize=0.6];',
  ];
  lines.push('  client [label="Client", shape=oval, fillcolor="#fff4d6"];');
  for (const stack of assembly.stackIds) {
    lines.push(
      `  subgraph ${quote(`cluster_${stack}`)} {`,
      `    label=${quote(`${stack} stack`)}; style="rounded"; color="#98a2b3"; fontname="Helvetica";`,
    );
    for (const r of drawn.filter((d) => d.stack === stack)) {
      lines.push(`    ${quote(nodeId(r))} [label=${quote(`${DRAWN_TYPES[r.type]}\\n${shortName(r)}`)}];`);
    }
    for (const [type, label] of Object.entries(GROUPED_TYPES)) {
      const count = assembly.ofType(type).filter((r) => r.stack === stack).length;
      if (count > 0) lines.push(`    ${quote(`${stack}.${type}`)} [label=${quote(`${count} ${label}`)}, fillcolor="#eef4ff"];`);
    }
    if (stack === 'Workloads') {
      for (const d of manifests.filter((m) => m.kind === 'Deployment')) {
        lines.push(
          `    ${quote(`svc.${d.metadata.name}`)} [label=${quote(`Service ${d.metadata.name}\\nns ${d.metadata.namespace}`)}, fillcolor="#ecfdf3"];`,
        );
      }
    }
    lines.push('  }');
  }

  const firstOf = (type: string) => drawn.find((r) => r.type === type);
  const pathNodes = EDGE_PATH.map(firstOf).filter((r): r is TemplateResource => r !== undefined);
  let previous = 'client';
  for (const r of pathNodes) {
    lines.push(`  ${quote(previous)} -> ${quote(nodeId(r))} [color="#b54708", penwidth=2];`);
    previous = nodeId(r);
  }
  if (pathNodes.length > 0) {
    for (const d of manifests.filter((m) => m.kind === 'Deployment')) {
      lines.push(`  ${quote(previous)} -> ${quote(`svc.${d.metadata.name}`)} [color="#b54708", penwidth=2];`);
    }
  }
  // A reference is a logical id inside another resource's properties (Ref, GetAtt, or a cross-stack output name).
  for (const from of drawn) {
    const text = JSON.stringify(from.properties);
    for (const to of drawn) {
      if (to !== from && text.includes(to.logicalId)) lines.push(`  ${quote(nodeId(from))} -> ${quote(nodeId(to))};`);
    }
  }
  // Log destinations are wired by resources the picture leaves out (a stage's access logs, a WAF logging
  // configuration, a flow log): draw those as "logs" edges from the resource that logs to its log group.
  for (const connector of assembly.resources.filter((r) => LOG_CONNECTORS.includes(r.type))) {
    const text = JSON.stringify(connector.properties);
    const refs = drawn.filter((d) => text.includes(d.logicalId));
    const logs = refs.filter((d) => d.type === 'AWS::Logs::LogGroup');
    for (const from of refs.filter((d) => d.type !== 'AWS::Logs::LogGroup' && d.type !== 'AWS::KMS::Key')) {
      for (const to of logs)
        lines.push(
          `  ${quote(nodeId(from))} -> ${quote(nodeId(to))} [style=dashed, color="#1570ef", fontcolor="#175cd3", fontsize=9, label="logs"];`,
        );
    }
  }
  lines.push('}');
  return lines.join('\n');
}
