import { AssemblyView, TemplateResource } from '../../evidence/assembly-view';
import { list } from '../../evidence/policy-evaluator';
import { ofKind, text } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

export const NETWORK_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'NET-1',
    title: 'VPC flow logs record ALL traffic',
    category: 'network',
    nist: ['AU-12', 'SI-4'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'flow logs capture ALL traffic' },
    gateRules: ['VPCFlowLogsEnabled', 'VPCFlowLogEnabled', 'vpc_flow_logs_enabled'],
    evidence: flowLogsRecordAllTraffic,
  },
  {
    id: 'NET-2',
    title: 'No subnet assigns public IPs; isolated egress removes every internet path',
    category: 'network',
    nist: ['SC-7', 'AC-4'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'defaults to isolated' },
    gateRules: ['VPCSubnetAutoAssignPublicIpDisabled', 'subnet_auto_assign_public_ip_disabled_check'],
    evidence: noSubnetAssignsPublicIps,
  },
  {
    id: 'NET-3',
    title: 'Default security group has no rules',
    category: 'network',
    nist: ['SC-7', 'CM-7'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'default security group is stripped' },
    gateRules: ['VPCDefaultSecurityGroupClosed'],
    evidence: defaultSecurityGroupRestricted,
  },
  {
    id: 'NET-4',
    title: 'AWS APIs reached through private endpoints admitting HTTPS from the VPC only',
    category: 'network',
    nist: ['SC-7', 'AC-4(21)'],
    cisEks: ['5.4.3'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'interface endpoints for every API' },
    evidence: awsApisThroughPrivateEndpoints,
  },
  {
    id: 'NET-5',
    title: 'Service-to-service traffic is mutually authenticated: mesh-wide STRICT mTLS (ambient) or workload certificates (native)',
    category: 'network',
    nist: ['SC-8', 'SC-8(1)', 'IA-3'],
    implementedIn: ['lib/constructs/istio-ambient-mesh.ts', 'lib/constructs/platform-ca.ts', 'lib/charts/workload-certificates.ts'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'mesh-wide PeerAuthentication is STRICT in ambient mode' },
    evidence: serviceTrafficMutuallyAuthenticated,
  },
  {
    id: 'NET-6',
    title:
      'One entry point: the API server rejects LoadBalancer and NodePort Services and Ingresses cluster-wide, the load ' +
      'balancer controller can only register targets in the ingress target group, and no subnet is tagged for load balancers',
    category: 'network',
    nist: ['SC-7', 'SC-7(3)', 'AC-6'],
    implementedIn: [
      'lib/constructs/entry-point-policy.ts',
      'lib/constructs/aws-load-balancer-controller.ts',
      'lib/constructs/private-cluster.ts',
    ],
    provenBy: { file: 'test/cluster/side-doors.test.ts', test: 'a built-in ValidatingAdmissionPolicy, bound cluster-wide with Deny' },
    evidence: oneEntryPoint,
  },
];

export function flowLogsRecordAllTraffic({ assembly }: ControlEvidence): boolean {
  return assembly.some('AWS::EC2::VPC') && assembly.every('AWS::EC2::FlowLog', (p) => p.TrafficType === 'ALL');
}

export function noSubnetAssignsPublicIps({ assembly }: ControlEvidence): boolean {
  return assembly.every('AWS::EC2::Subnet', (p) => p.MapPublicIpOnLaunch === false);
}

export function defaultSecurityGroupRestricted({ assembly }: ControlEvidence): boolean {
  return assembly.some('Custom::VpcRestrictDefaultSG');
}

export function awsApisThroughPrivateEndpoints({ assembly }: ControlEvidence): boolean {
  // Without private DNS, SDK calls resolve the public endpoint and leave the VPC.
  const interfaceEndpoints = assembly.ofType('AWS::EC2::VPCEndpoint').filter((e) => e.properties.VpcEndpointType === 'Interface');
  const vpcCidrs = assembly.ofType('AWS::EC2::VPC').map((vpc) => vpc.properties.CidrBlock);
  const httpsFromVpc = (rule: any) =>
    rule.IpProtocol === 'tcp' && rule.FromPort === 443 && rule.ToPort === 443 && vpcCidrs.includes(rule.CidrIp);
  // The groups the endpoints actually use (by reference), with their inline rules and any rule added to them apart.
  const groupIds = (e: TemplateResource) =>
    [e.properties.SecurityGroupIds ?? []].flat().map((id: any) => id?.['Fn::GetAtt']?.[0] as string | undefined);
  const groupAdmitsHttpsFromVpcOnly = (stack: string, logicalId: string | undefined) => {
    const group = assembly.ofType('AWS::EC2::SecurityGroup').find((g) => g.stack === stack && g.logicalId === logicalId);
    const separateRules = assembly
      .ofType('AWS::EC2::SecurityGroupIngress')
      .filter((r) => r.stack === stack && text(r.properties.GroupId).includes(`"${logicalId}"`))
      .map((r) => r.properties);
    return group !== undefined && [...(group.properties.SecurityGroupIngress ?? []), ...separateRules].every(httpsFromVpc);
  };
  return (
    interfaceEndpoints.length > 0 &&
    interfaceEndpoints.every(
      (e) =>
        e.properties.PrivateDnsEnabled === true &&
        groupIds(e).length > 0 &&
        groupIds(e).every((id) => groupAdmitsHttpsFromVpcOnly(e.stack, id)),
    )
  );
}

export function serviceTrafficMutuallyAuthenticated({ assembly, manifests }: ControlEvidence): boolean {
  return (
    assembly.some('Custom::AWSCDK-EKS-KubernetesResource', (p) =>
      /"kind":"PeerAuthentication".*"mode":"STRICT"/.test(String(p.Manifest)),
    ) ||
    (ofKind(manifests, 'Deployment').length > 0 &&
      ofKind(manifests, 'Deployment').every((d) =>
        ofKind(manifests, 'Certificate').some(
          (c) =>
            c.metadata.namespace === d.metadata.namespace && text(c.spec.uris).includes(`/sa/${d.spec.template.spec.serviceAccountName}`),
        ),
      ))
  );
}

export function oneEntryPoint({ assembly }: ControlEvidence): boolean {
  return (
    assembly.some('Custom::AWSCDK-EKS-KubernetesResource', (p) => {
      const manifest = String(p.Manifest);
      return manifest.includes('"kind":"ValidatingAdmissionPolicy"') && manifest.includes('"validationActions":["Deny"]');
    }) &&
    assembly.every('AWS::EC2::Subnet', (p) => !text(p.Tags).includes('kubernetes.io/role/')) &&
    loadBalancerWritesOnlyRegisterIngressTargets(assembly)
  );
}

const TARGET_REGISTRATION = ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'];

/**
 * The load balancer controller's grants: some statement lets it register targets (its policy is in the assembly to be
 * read), every statement that changes load balancers only (de)registers targets in a named target group, and no role
 * carries an AWS managed load balancing policy, whose grants no statement here would show.
 */
function loadBalancerWritesOnlyRegisterIngressTargets(assembly: AssemblyView): boolean {
  const writes = (s: any) =>
    list(s.Action).filter((a) => a.startsWith('elasticloadbalancing:') && !a.startsWith('elasticloadbalancing:Describe'));
  const grants = ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy']
    .flatMap((type) => assembly.ofType(type))
    .flatMap((policy) => policy.properties.PolicyDocument?.Statement ?? [])
    .filter((s: any) => s.Effect === 'Allow' && writes(s).length > 0);
  return (
    grants.length > 0 &&
    grants.every((s: any) => writes(s).every((a) => TARGET_REGISTRATION.includes(a)) && !text(s.Resource).includes('*')) &&
    !assembly.some('AWS::IAM::Role', (p) => text(p.ManagedPolicyArns).includes(':iam::aws:policy/ElasticLoadBalancing'))
  );
}
