import { SERVICE_CATALOGUE } from '../catalogue/service-catalogue';
import { Manifest } from '../evidence/access-layers';
import { AssemblyView } from '../evidence/assembly-view';
import { callPairs } from '../evidence/call-pairs';

export type ControlCategory = 'network' | 'identity' | 'cluster' | 'workload' | 'resilience' | 'data' | 'edge' | 'detection' | 'supply-chain';

/** The areas of the controls matrix, in the order reports show them. */
export const CONTROL_AREAS: readonly { readonly category: ControlCategory; readonly label: string }[] = [
  { category: 'network', label: 'Network' },
  { category: 'identity', label: 'Identity' },
  { category: 'cluster', label: 'Cluster' },
  { category: 'workload', label: 'Workloads' },
  { category: 'resilience', label: 'Resilience' },
  { category: 'data', label: 'Data' },
  { category: 'edge', label: 'Edge' },
  { category: 'detection', label: 'Detection' },
  { category: 'supply-chain', label: 'Supply chain' },
];

/** What a control's evidence check looks at: the synthesized CloudFormation and the rendered Kubernetes objects. */
export interface ControlEvidence {
  readonly assembly: AssemblyView;
  readonly manifests: readonly Manifest[];
  /** The configuration profile (`dev` or `prod`): a few controls are deliberately stricter in prod. */
  readonly profile: string;
}

/**
 * A security control of the platform: what it is, which standards it answers, where it is implemented, which
 * test proves it, which gate rules also check it, and how to see it in the synthesized environment.
 * The registry feeds the reviewer report (`npm run report`) and the README's security-defaults table.
 */
export interface SecurityControl {
  readonly id: string;
  readonly title: string;
  readonly category: ControlCategory;
  /** NIST SP 800-53 Rev. 5 control ids. */
  readonly nist: readonly string[];
  /** CIS Amazon EKS Benchmark recommendation ids (cluster and workload controls). */
  readonly cisEks?: readonly string[];
  /** Repository-relative files that implement the control. */
  readonly implementedIn: readonly string[];
  /** The test that fails when the control is removed: its file and (part of) its name. */
  readonly provenBy: { readonly file: string; readonly test: string };
  /** cdk-nag rule names (without pack prefix) and cfn-guard rule names that check the same thing. */
  readonly gateRules?: readonly string[];
  /** True when the synthesized environment shows the control in place. */
  readonly evidence: (evidence: ControlEvidence) => boolean;
}

const hasKmsKey = (p: Record<string, any>) => p.KmsKeyId !== undefined;
const ofKind = (manifests: readonly Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const podSpecs = (manifests: readonly Manifest[]) => ofKind(manifests, 'Deployment').map((d) => d.spec.template.spec);
const text = (value: unknown) => JSON.stringify(value) ?? '';
const containers = (manifests: readonly Manifest[]): any[] => podSpecs(manifests).flatMap((spec) => spec.containers);
const envValue = (container: any, name: string): string | undefined => (container.env ?? []).find((e: any) => e.name === name)?.value;
const TOKEN_VALIDITY_UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };
/** A user pool client's access-token lifetime; CloudFormation counts it in hours unless TokenValidityUnits says otherwise. */
const accessTokenSeconds = (p: Record<string, any>) => (p.AccessTokenValidity ?? 1) * TOKEN_VALIDITY_UNIT_SECONDS[p.TokenValidityUnits?.AccessToken ?? 'hours'];
/** The workload namespaces: every namespace a Deployment runs in. */
const workloadNamespaces = (manifests: readonly Manifest[]) => [...new Set(ofKind(manifests, 'Deployment').map((d) => d.metadata.namespace))];

export const CONTROLS: readonly SecurityControl[] = [
  {
    id: 'NET-1',
    title: 'VPC flow logs record ALL traffic',
    category: 'network',
    nist: ['AU-12', 'SI-4'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'flow logs capture ALL traffic' },
    gateRules: ['VPCFlowLogsEnabled', 'VPCFlowLogEnabled', 'vpc_flow_logs_enabled'],
    evidence: ({ assembly }) => assembly.some('AWS::EC2::VPC') && assembly.every('AWS::EC2::FlowLog', (p) => p.TrafficType === 'ALL'),
  },
  {
    id: 'NET-2',
    title: 'No subnet assigns public IPs; isolated egress removes every internet path',
    category: 'network',
    nist: ['SC-7', 'AC-4'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'defaults to isolated' },
    gateRules: ['VPCSubnetAutoAssignPublicIpDisabled', 'subnet_auto_assign_public_ip_disabled_check'],
    evidence: ({ assembly }) => assembly.every('AWS::EC2::Subnet', (p) => p.MapPublicIpOnLaunch === false),
  },
  {
    id: 'NET-3',
    title: 'Default security group has no rules',
    category: 'network',
    nist: ['SC-7', 'CM-7'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'default security group is stripped' },
    gateRules: ['VPCDefaultSecurityGroupClosed'],
    evidence: ({ assembly }) => assembly.some('Custom::VpcRestrictDefaultSG'),
  },
  {
    id: 'NET-4',
    title: 'AWS APIs reached through private endpoints admitting HTTPS from the VPC only',
    category: 'network',
    nist: ['SC-7', 'AC-4(21)'],
    cisEks: ['5.4.3'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'interface endpoints for every API' },
    evidence: ({ assembly }) => assembly.some('AWS::EC2::VPCEndpoint', (p) => p.VpcEndpointType === 'Interface' && p.PrivateDnsEnabled === true)
      && assembly.some('AWS::EC2::SecurityGroup', (p) => p.GroupDescription === 'Interface endpoints: HTTPS from inside the VPC only'
        && (p.SecurityGroupIngress ?? []).every((rule: any) => rule.FromPort === 443 && rule.ToPort === 443)),
  },
  {
    id: 'LOG-1',
    title: 'Every log group is encrypted with the customer-managed logs key',
    category: 'detection',
    nist: ['AU-9', 'SC-28'],
    implementedIn: ['lib/constructs/central-logging.ts', 'lib/compliance/guard-rules/platform-controls.guard'],
    provenBy: { file: 'test/compliance/gate-plugins.test.ts', test: 'deliberately unencrypted log group fails synth' },
    gateRules: ['CloudWatchLogGroupEncrypted', 'PLATFORM_LOG_GROUP_KMS_ENCRYPTED', 'cloudwatch_log_group_encrypted_check'],
    evidence: ({ assembly }) => assembly.every('AWS::Logs::LogGroup', hasKmsKey),
  },
  {
    id: 'LOG-2',
    title: 'Logs are retained for at least a year',
    category: 'detection',
    nist: ['AU-11'],
    implementedIn: ['lib/constructs/central-logging.ts', 'lib/config/validate-config.ts'],
    provenBy: { file: 'test/config/load-config.test.ts', test: 'a retention shorter than a year' },
    gateRules: ['CloudWatchLogGroupRetentionPeriod', 'PLATFORM_LOG_GROUP_RETENTION_SET', 'cloudwatch_log_group_retention_period_check'],
    evidence: ({ assembly }) => assembly.every('AWS::Logs::LogGroup', (p) => typeof p.RetentionInDays === 'number' && p.RetentionInDays >= 365),
  },
  {
    id: 'LOG-3',
    title: 'Alarm topic is KMS-encrypted and accepts TLS publishers only',
    category: 'detection',
    nist: ['SC-8', 'SC-28', 'SI-4(5)'],
    implementedIn: ['lib/constructs/central-logging.ts'],
    provenBy: { file: 'test/constructs/central-logging.test.ts', test: 'alarm topic is KMS-encrypted' },
    gateRules: ['SNSEncryptedKMS', 'SNS3', 'PLATFORM_SNS_TOPIC_KMS_ENCRYPTED'],
    evidence: ({ assembly }) => assembly.every('AWS::SNS::Topic', (p) => p.KmsMasterKeyId !== undefined)
      && assembly.some('AWS::SNS::TopicPolicy', (p) => JSON.stringify(p).includes('aws:SecureTransport')),
  },
  {
    id: 'DATA-1',
    title: 'Customer-managed KMS keys, separated by purpose, rotate yearly',
    category: 'data',
    nist: ['SC-12', 'SC-28'],
    implementedIn: ['lib/constructs/platform-keys.ts', 'lib/private/platform-key.ts'],
    provenBy: { file: 'test/constructs/platform-keys.test.ts', test: 'three keys separated by purpose' },
    gateRules: ['KMSBackingKeyRotationEnabled', 'kms_key_rotation_enabled_check'],
    evidence: ({ assembly }) => assembly.ofType('AWS::KMS::Key').length >= 4 && assembly.every('AWS::KMS::Key', (p) => p.EnableKeyRotation === true),
  },
  {
    id: 'DATA-2',
    title: 'KMS grants only for AWS resources',
    category: 'data',
    nist: ['AC-6', 'SC-12'],
    implementedIn: ['lib/private/platform-key.ts'],
    provenBy: { file: 'test/constructs/platform-keys.test.ts', test: 'every key denies grants' },
    gateRules: ['kms_create_grant_aws_service_check'],
    evidence: ({ assembly }) => assembly.every('AWS::KMS::Key', (p) => (p.KeyPolicy?.Statement ?? [])
      .some((s: any) => s.Effect === 'Deny' && s.Action === 'kms:CreateGrant')),
  },
  {
    id: 'NET-5',
    title: 'Service-to-service traffic is mutually authenticated: mesh-wide STRICT mTLS (ambient) or workload certificates (native)',
    category: 'network',
    nist: ['SC-8', 'SC-8(1)', 'IA-3'],
    implementedIn: ['lib/constructs/istio-ambient-mesh.ts', 'lib/constructs/platform-ca.ts', 'lib/charts/workload-certificates.ts'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'mesh-wide PeerAuthentication is STRICT in ambient mode' },
    evidence: ({ assembly, manifests }) => assembly.some('Custom::AWSCDK-EKS-KubernetesResource', (p) => /"kind":"PeerAuthentication".*"mode":"STRICT"/.test(String(p.Manifest)))
      || (ofKind(manifests, 'Deployment').length > 0 && ofKind(manifests, 'Deployment').every((d) => ofKind(manifests, 'Certificate')
        .some((c) => c.metadata.namespace === d.metadata.namespace && text(c.spec.uris).includes(`/sa/${d.spec.template.spec.serviceAccountName}`)))),
  },
  {
    id: 'NET-6',
    title: 'One entry point: the API server rejects LoadBalancer and NodePort Services and Ingresses cluster-wide, the load '
      + 'balancer controller can only register targets in the ingress target group, and no subnet is tagged for load balancers',
    category: 'network',
    nist: ['SC-7', 'SC-7(3)', 'AC-6'],
    implementedIn: ['lib/constructs/entry-point-policy.ts', 'lib/constructs/aws-load-balancer-controller.ts', 'lib/constructs/private-cluster.ts'],
    provenBy: { file: 'test/cluster/side-doors.test.ts', test: 'a built-in ValidatingAdmissionPolicy, bound cluster-wide with Deny' },
    evidence: ({ assembly }) => assembly.some('Custom::AWSCDK-EKS-KubernetesResource', (p) => {
      const manifest = String(p.Manifest);
      return manifest.includes('"kind":"ValidatingAdmissionPolicy"') && manifest.includes('"validationActions":["Deny"]');
    })
      && assembly.every('AWS::EC2::Subnet', (p) => !text(p.Tags).includes('kubernetes.io/role/'))
      && !['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].some((type) => assembly.some(type, (p) =>
        /elasticloadbalancing:(Create|\*)/.test(text(p.PolicyDocument)))),
  },
  {
    id: 'IDN-1',
    title: 'User pool: administrators create users (no self sign-up); 14-character passwords with all four character classes',
    category: 'identity',
    nist: ['IA-5(1)', 'AC-2'],
    implementedIn: ['lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/edge/platform-identity.test.ts', test: 'strong password policy: 14 characters' },
    gateRules: ['COG1'],
    evidence: ({ assembly }) => assembly.every('AWS::Cognito::UserPool', (p) => p.AdminCreateUserConfig?.AllowAdminCreateUserOnly === true
      && p.Policies?.PasswordPolicy?.MinimumLength >= 14 && ['RequireLowercase', 'RequireUppercase', 'RequireNumbers', 'RequireSymbols']
      .every((k) => p.Policies.PasswordPolicy[k] === true)),
  },
  {
    id: 'IDN-2',
    title: 'OAuth clients: machine client uses client credentials only; user client uses authorization code with PKCE, no secret, no implicit or password flows',
    category: 'identity',
    nist: ['IA-2', 'IA-5', 'IA-8'],
    implementedIn: ['lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/edge/platform-identity.test.ts', test: 'user client: authorization code (PKCE, public client) only' },
    evidence: ({ assembly }) => assembly.every('AWS::Cognito::UserPoolClient', (p) => (p.AllowedOAuthFlows ?? []).every((f: string) => f === 'client_credentials' || f === 'code')
      && (p.ExplicitAuthFlows ?? []).every((f: string) => f === 'ALLOW_REFRESH_TOKEN_AUTH')
      && (!(p.AllowedOAuthFlows ?? []).includes('code') || p.GenerateSecret !== true)),
  },
  {
    id: 'IDN-3',
    title: 'Identity pool: no guest access, enhanced flow only, tokens checked server-side, one authenticated role',
    category: 'identity',
    nist: ['AC-14', 'IA-2', 'AC-6'],
    implementedIn: ['lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/edge/platform-identity.test.ts', test: 'no guest access, enhanced flow only' },
    evidence: ({ assembly }) => assembly.every('AWS::Cognito::IdentityPool', (p) => p.AllowUnauthenticatedIdentities === false && p.AllowClassicFlow === false
      && (p.CognitoIdentityProviders ?? []).every((idp: any) => idp.ServerSideTokenCheck === true))
      && assembly.every('AWS::Cognito::IdentityPoolRoleAttachment', (p) => p.Roles?.unauthenticated === undefined),
  },
  {
    id: 'IDN-4',
    title: 'Service roles are assumable only by EKS Pod Identity, for this account and this cluster',
    category: 'identity',
    nist: ['AC-6', 'IA-9'],
    implementedIn: ['lib/constructs/pod-identity-role.ts'],
    provenBy: { file: 'test/iam/least-privilege.test.ts', test: 'each role trusts Pod Identity only for the platform cluster' },
    evidence: ({ assembly }) => {
      const podRoles = assembly.ofType('AWS::IAM::Role').filter((r) => r.stack === 'Data' && text(r.properties.AssumeRolePolicyDocument).includes('pods.eks.amazonaws.com'));
      return podRoles.length > 0 && podRoles.every((r) => r.properties.AssumeRolePolicyDocument.Statement.every((s: any) =>
        s.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined && s.Condition?.ArnEquals?.['aws:SourceArn'] !== undefined));
    },
  },
  {
    id: 'IDN-5',
    title: 'Services refuse access tokens without exp or iat, issued in the future, or living longer than the pool issues them',
    category: 'identity',
    nist: ['IA-5', 'IA-2', 'AC-12'],
    implementedIn: ['services/shared/src/auth/claims-policy.ts', 'lib/workloads.ts'],
    provenBy: { file: 'services/shared/test/access-token-authenticator.test.ts', test: 'refuses a token %s with 401 invalid_token' },
    evidence: ({ assembly, manifests }) => {
      const issued = assembly.ofType('AWS::Cognito::UserPoolClient').map((c) => accessTokenSeconds(c.properties));
      const limits = containers(manifests).map((c) => Number(envValue(c, 'COGNITO_MAX_TOKEN_LIFETIME_SECONDS')));
      return issued.length > 0 && limits.length > 0 && limits.every((limit) => limit > 0 && issued.every((seconds) => limit <= seconds));
    },
  },
  {
    id: 'IDN-6',
    title: 'Object-level authorization: a caller reaches only its own orders (another\'s is answered as unknown); the admin scope '
      + 'that reaches every order is defined in the catalogue and granted to no default app client',
    category: 'identity',
    nist: ['AC-3', 'AC-6', 'AC-6(1)'],
    implementedIn: ['services/orders/src/orders-routes.ts', 'services/orders/src/dynamo-order-store.ts', 'lib/constructs/platform-identity.ts'],
    provenBy: { file: 'services/orders/test/order-ownership.test.ts', test: 'another subject gets exactly the reply to an id nobody uses' },
    evidence: ({ assembly }) => {
      const admin = SERVICE_CATALOGUE.services.flatMap((s) => (s.adminScope === undefined ? [] : [{ server: s.name, scope: s.adminScope }]));
      return admin.length > 0 && admin.every(({ server, scope }) => assembly.some('AWS::Cognito::UserPoolResourceServer',
        (p) => p.Identifier === server && (p.Scopes ?? []).some((x: any) => x.ScopeName === scope)))
        && assembly.every('AWS::Cognito::UserPoolClient', (p) => admin.every(({ scope }) => !text(p.AllowedOAuthScopes).includes(`/${scope}"`)));
    },
  },
  {
    id: 'CL-1',
    title: 'Cluster API endpoint is private only',
    category: 'cluster',
    nist: ['SC-7', 'AC-17'],
    cisEks: ['5.4.1', '5.4.2'],
    implementedIn: ['lib/constructs/private-cluster.ts', 'lib/compliance/guard-rules/platform-controls.guard'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'the API endpoint is private only' },
    gateRules: ['EKSClusterNoEndpointPublicAccess', 'EKS1', 'PLATFORM_EKS_ENDPOINT_PRIVATE'],
    evidence: ({ assembly }) => assembly.every('AWS::EKS::Cluster', (p) => p.ResourcesVpcConfig?.EndpointPublicAccess === false && p.ResourcesVpcConfig?.EndpointPrivateAccess === true),
  },
  {
    id: 'CL-2',
    title: 'Kubernetes secrets are envelope-encrypted with the customer-managed cluster-secrets key',
    category: 'cluster',
    nist: ['SC-28', 'SC-12'],
    cisEks: ['5.3.1'],
    implementedIn: ['lib/constructs/private-cluster.ts', 'lib/compliance/guard-rules/platform-controls.guard'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'Kubernetes secrets are envelope-encrypted' },
    gateRules: ['PLATFORM_EKS_SECRETS_ENCRYPTED', 'eks_secrets_encrypted_check'],
    evidence: ({ assembly }) => assembly.every('AWS::EKS::Cluster', (p) => (p.EncryptionConfig ?? [])
      .some((c: any) => (c.Resources ?? []).includes('secrets') && c.Provider?.KeyArn !== undefined)),
  },
  {
    id: 'CL-3',
    title: 'All five control-plane log types (api, audit, authenticator, controllerManager, scheduler) are on',
    category: 'cluster',
    nist: ['AU-2', 'AU-12'],
    cisEks: ['2.1.1'],
    implementedIn: ['lib/constructs/private-cluster.ts', 'lib/stacks/cluster-stack.ts', 'lib/compliance/guard-rules/cluster-controls.guard'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'all five control-plane log types are on' },
    gateRules: ['EKSClusterControlPlaneLogs', 'EKS2', 'PLATFORM_EKS_ALL_CONTROL_PLANE_LOGS', 'eks_cluster_logging_enabled_check'],
    evidence: ({ assembly }) => assembly.every('AWS::EKS::Cluster', (p) => {
      const enabled = (p.Logging?.ClusterLogging?.EnabledTypes ?? []).map((t: any) => t.Type);
      return ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].every((t) => enabled.includes(t));
    }),
  },
  {
    id: 'CL-4',
    title: 'Cluster access through EKS access entries only; the creator gets no admin',
    category: 'cluster',
    nist: ['AC-2', 'AC-6', 'IA-2'],
    cisEks: ['5.5.1'],
    implementedIn: ['lib/constructs/private-cluster.ts', 'lib/compliance/guard-rules/cluster-controls.guard'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'authentication is by access entries only' },
    gateRules: ['PLATFORM_EKS_ACCESS_ENTRIES_ONLY'],
    evidence: ({ assembly }) => assembly.every('AWS::EKS::Cluster', (p) => p.AccessConfig?.AuthenticationMode === 'API'
      && p.AccessConfig?.BootstrapClusterCreatorAdminPermissions === false),
  },
  {
    id: 'CL-5',
    title: 'Bottlerocket nodes in private subnets; IMDSv2 with hop limit 1; volumes encrypted with the block-storage key',
    category: 'cluster',
    nist: ['CM-6', 'CM-7', 'SC-28'],
    cisEks: ['3.1.1', '5.4.3'],
    implementedIn: ['lib/constructs/bottlerocket-nodegroup.ts', 'lib/compliance/guard-rules/cluster-controls.guard'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'the launch template requires IMDSv2 with a hop limit of 1' },
    gateRules: ['PLATFORM_EKS_NODES_BOTTLEROCKET', 'ec2_launch_template_token_hop_limit_check', 'ec2_launch_template_imdsv2_check'],
    evidence: ({ assembly }) => assembly.every('AWS::EKS::Nodegroup', (p) => String(p.AmiType).startsWith('BOTTLEROCKET'))
      && assembly.every('AWS::EC2::LaunchTemplate', (p) => p.LaunchTemplateData?.MetadataOptions?.HttpTokens === 'required'
        && p.LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit === 1
        && (p.LaunchTemplateData.BlockDeviceMappings ?? []).every((b: any) => b.Ebs?.Encrypted === true && b.Ebs?.KmsKeyId !== undefined)),
  },
  {
    id: 'CL-6',
    title: 'The VPC CNI enforces Kubernetes NetworkPolicies',
    category: 'cluster',
    nist: ['SC-7', 'AC-4'],
    cisEks: ['4.3.1', '5.4.4'],
    implementedIn: ['lib/constructs/cluster-addons.ts'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'vpc-cni enforces network policies' },
    evidence: ({ assembly }) => assembly.some('AWS::EKS::Addon', (p) => p.AddonName === 'vpc-cni' && /"enableNetworkPolicy":"true"/.test(String(p.ConfigurationValues))),
  },
  {
    id: 'CL-7',
    title: 'Node role can only join the cluster and pull images; add-ons and components get AWS access through Pod Identity',
    category: 'cluster',
    nist: ['AC-6', 'AC-6(10)'],
    cisEks: ['5.2.1'],
    implementedIn: ['lib/constructs/bottlerocket-nodegroup.ts', 'lib/constructs/cluster-addons.ts', 'lib/constructs/helm-component.ts', 'lib/constructs/pod-identity-role.ts'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'the node role can only join the cluster and pull images' },
    evidence: ({ assembly }) => assembly.some('AWS::EKS::PodIdentityAssociation')
      && assembly.ofType('AWS::IAM::Role').filter((r) => text(r.properties.AssumeRolePolicyDocument).includes('ec2.amazonaws.com')).every((r) =>
        !text(r.properties.ManagedPolicyArns).includes('AmazonEKS_CNI_Policy')),
  },
  {
    id: 'WL-1',
    title: 'Every workload namespace enforces Pod Security Standards "restricted"',
    category: 'workload',
    nist: ['CM-7', 'AC-6'],
    cisEks: ['4.2.1', '4.2.2', '4.2.3', '4.2.4', '4.2.5'],
    implementedIn: ['lib/charts/namespace.ts', 'lib/charts/platform-baseline-chart.ts'],
    provenBy: { file: 'test/charts/platform-baseline-chart.test.ts', test: 'enforces, audits and warns Pod Security restricted' },
    evidence: ({ manifests }) => {
      const namespaces = workloadNamespaces(manifests);
      return namespaces.length > 0 && namespaces.every((ns) => ofKind(manifests, 'Namespace')
        .some((n) => n.metadata.name === ns && n.metadata.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted'));
    },
  },
  {
    id: 'WL-2',
    title: 'Containers run as non-root with a read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault',
    category: 'workload',
    nist: ['CM-7', 'AC-6', 'SC-39'],
    cisEks: ['4.2.5', '4.2.6', '4.2.7', '4.2.8', '4.2.9', '4.6.2'],
    implementedIn: ['lib/charts/restricted-security-context.ts', 'lib/charts/service-chart.ts'],
    provenBy: { file: 'test/charts/service-chart.test.ts', test: 'container security context: non-root, read-only root filesystem' },
    evidence: ({ manifests }) => podSpecs(manifests).length > 0 && podSpecs(manifests).every((spec) =>
      spec.securityContext?.seccompProfile?.type === 'RuntimeDefault' && spec.securityContext?.runAsNonRoot === true
      && spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true
      && spec.containers.every((c: any) => c.securityContext?.allowPrivilegeEscalation === false && c.securityContext?.privileged !== true
        && c.securityContext?.readOnlyRootFilesystem === true && text(c.securityContext?.capabilities?.drop) === '["ALL"]'
        && c.securityContext?.capabilities?.add === undefined)),
  },
  {
    id: 'WL-3',
    title: 'Every workload namespace has a default-deny NetworkPolicy (ingress and egress; DNS to kube-dns only)',
    category: 'workload',
    nist: ['SC-7', 'AC-4'],
    cisEks: ['4.3.2'],
    implementedIn: ['lib/charts/network-policies.ts'],
    provenBy: { file: 'test/charts/platform-baseline-chart.test.ts', test: 'every pod isolated both ways, DNS to kube-dns only' },
    evidence: ({ manifests }) => {
      const namespaces = workloadNamespaces(manifests);
      return namespaces.length > 0 && namespaces.every((ns) => ofKind(manifests, 'NetworkPolicy').some((p) => p.metadata.namespace === ns
        && Object.keys(p.spec.podSelector?.matchLabels ?? {}).length === 0 && p.spec.podSelector?.matchExpressions === undefined
        && ['Ingress', 'Egress'].every((t) => (p.spec.policyTypes ?? []).includes(t))
        // Ingress only from a single link-local address: the kubelet probes ztunnel sends in ambient mode.
        && (p.spec.ingress ?? []).every((rule: any) => (rule.from ?? []).length > 0 && rule.from.every((peer: any) => /^169\.254\.\d+\.\d+\/32$/.test(peer.ipBlock?.cidr ?? '')))
        && (p.spec.egress ?? []).every((rule: any) => text(rule.ports).includes('53') && text(rule.to).includes('kube-dns'))));
    },
  },
  {
    id: 'WL-4',
    title: 'Exactly the catalogue\'s call edges are open, at every layer (NetworkPolicy, and mesh authorization or native mTLS allowlist); every other pair is closed',
    category: 'workload',
    nist: ['AC-4', 'AC-3', 'SC-7(5)'],
    cisEks: ['4.3.2'],
    implementedIn: ['lib/charts/call-graph.ts', 'lib/charts/network-policies.ts', 'lib/charts/mesh-authorization.ts', 'services/shared/src/mtls/caller-policy.ts'],
    provenBy: { file: 'test/charts/call-graph.test.ts', test: 'sample catalogue' },
    evidence: ({ manifests }) => {
      const pairs = ofKind(manifests, 'Deployment').length > 0 ? callPairs(SERVICE_CATALOGUE, manifests) : [];
      return pairs.length > 0 && pairs.every((p) => Object.values(p.layers).every((open) => open === p.allowedByCatalogue));
    },
  },
  {
    id: 'WL-5',
    title: 'Each workload runs as its own service account, without an automounted Kubernetes API token',
    category: 'workload',
    nist: ['AC-6', 'IA-9'],
    cisEks: ['4.1.5', '4.1.6', '5.2.1'],
    implementedIn: ['lib/charts/service-chart.ts'],
    provenBy: { file: 'test/charts/service-chart.test.ts', test: 'no token automount' },
    evidence: ({ manifests }) => podSpecs(manifests).length > 0 && podSpecs(manifests).every((spec) =>
      spec.automountServiceAccountToken === false && spec.serviceAccountName !== undefined && spec.serviceAccountName !== 'default')
      && ofKind(manifests, 'ServiceAccount').every((sa) => sa.automountServiceAccountToken === false),
  },
  {
    id: 'WL-6',
    title: 'Workloads live in their own namespaces (never default), each with a ResourceQuota and a LimitRange',
    category: 'workload',
    nist: ['SC-6', 'CM-7'],
    cisEks: ['4.5.1', '4.5.2'],
    implementedIn: ['lib/charts/namespace.ts', 'lib/charts/resource-budget.ts'],
    provenBy: { file: 'test/charts/platform-baseline-chart.test.ts', test: 'ResourceQuota sized for every service' },
    evidence: ({ manifests }) => {
      const namespaces = workloadNamespaces(manifests);
      return namespaces.length > 0 && !namespaces.includes('default') && !namespaces.includes(undefined)
        && namespaces.every((ns) => ['ResourceQuota', 'LimitRange'].every((kind) => ofKind(manifests, kind).some((m) => m.metadata.namespace === ns)));
    },
  },
  {
    id: 'WL-7',
    title: 'Secrets reach containers as read-only files, never as environment variables',
    category: 'workload',
    nist: ['SC-28', 'IA-5(7)'],
    cisEks: ['4.4.1'],
    implementedIn: ['lib/charts/service-chart.ts', 'lib/charts/workload-certificates.ts'],
    provenBy: { file: 'test/charts/service-chart.test.ts', test: 'native mode: certificate secret mounted read-only' },
    evidence: ({ manifests }) => podSpecs(manifests).length > 0 && podSpecs(manifests).every((spec) =>
      !text(spec.containers).includes('secretKeyRef') && !text(spec.containers).includes('secretRef')
      && (spec.containers as any[]).every((c) => (c.volumeMounts ?? []).every((m: any) => {
        const volume = (spec.volumes ?? []).find((v: any) => v.name === m.name);
        return volume?.secret === undefined || m.readOnly === true;
      }))),
  },
  {
    id: 'RES-1',
    title: 'Pods leave without dropping requests: a preStop sleep outlasts endpoint (and load balancer) removal, the service '
      + 'then drains, and SIGKILL comes only after the sleep and the drain deadline',
    category: 'resilience',
    nist: ['SC-5', 'CP-10'],
    implementedIn: ['lib/charts/graceful-shutdown.ts', 'lib/charts/service-chart.ts', 'services/shared/src/http/request-front.ts'],
    provenBy: { file: 'test/charts/graceful-shutdown.test.ts', test: 'SIGKILL comes after the sleep and the drain' },
    evidence: ({ manifests }) => podSpecs(manifests).length > 0 && podSpecs(manifests).every((spec) => (spec.containers as any[]).every((c) => {
      const sleep = Number(c.lifecycle?.preStop?.sleep?.seconds);
      const drain = Number(envValue(c, 'SHUTDOWN_GRACE_MS')) / 1000;
      return sleep > 0 && drain > 0 && spec.terminationGracePeriodSeconds > sleep + drain;
    })),
  },
  {
    id: 'DATA-3',
    title: 'Service tables encrypted with the data key, point-in-time recovery on',
    category: 'data',
    nist: ['SC-28', 'CP-9'],
    implementedIn: ['lib/constructs/service-table.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'encrypted with the data key, point-in-time recovery on' },
    gateRules: ['DynamoDBPITREnabled', 'DDB3'],
    evidence: ({ assembly }) => assembly.every('AWS::DynamoDB::Table', (p) => p.SSESpecification?.SSEEnabled === true && p.SSESpecification?.SSEType === 'KMS'
      && p.SSESpecification?.KMSMasterKeyId !== undefined && p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true),
  },
  {
    id: 'DATA-4',
    title: 'Data bucket: SSE-KMS with the data key, public access blocked, versioned, access-logged, TLS 1.2+ only',
    category: 'data',
    nist: ['SC-28', 'SC-8', 'AC-3', 'AU-12'],
    implementedIn: ['lib/constructs/data-bucket.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'SSE-KMS with the data key and a bucket key' },
    gateRules: ['S3BucketSSLRequestsOnly', 'S10', 'S3DefaultEncryptionKMS', 'S3BucketLoggingEnabled', 'S1', 'S3BucketVersioningEnabled', 'S3BucketLevelPublicAccessProhibited'],
    evidence: ({ assembly }) => assembly.some('AWS::S3::Bucket', (p) => text(p.BucketEncryption).includes('aws:kms') && p.LoggingConfiguration !== undefined
      && p.VersioningConfiguration?.Status === 'Enabled')
      && assembly.every('AWS::S3::Bucket', (p) => ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => p.PublicAccessBlockConfiguration?.[k] === true))
      && assembly.every('AWS::S3::BucketPolicy', (p) => text(p.PolicyDocument).includes('aws:SecureTransport') && text(p.PolicyDocument).includes('s3:TlsVersion')),
  },
  {
    id: 'DATA-5',
    title: 'Least privilege: service roles hold only customer-managed policies with the actions the catalogue implies, never inline and never "*"',
    category: 'data',
    nist: ['AC-6', 'AC-6(1)', 'AC-3'],
    implementedIn: ['lib/constructs/pod-identity-role.ts', 'lib/private/managed-policy-principal.ts', 'lib/evidence/policy-evaluator.ts', 'lib/evidence/wildcard-grants.ts'],
    provenBy: { file: 'test/iam/least-privilege.test.ts', test: 'must-deny cases are denied' },
    gateRules: ['IAMNoInlinePolicy'],
    evidence: ({ assembly }) => {
      const roles = assembly.ofType('AWS::IAM::Role').filter((r) => r.stack === 'Data');
      const policies = assembly.ofType('AWS::IAM::ManagedPolicy').filter((r) => r.stack === 'Data');
      return roles.length > 0 && roles.every((r) => r.properties.Policies === undefined) && policies.length > 0
        && policies.every((p) => (p.properties.PolicyDocument?.Statement ?? []).every((s: any) => s.Action !== '*' && !text(s.Action).includes('"*"') && s.Resource !== '*'));
    },
  },
  {
    id: 'DATA-6',
    title: 'Signed-in users reach only their own users/<identity id>/ prefix of the data bucket',
    category: 'data',
    nist: ['AC-3', 'AC-6'],
    implementedIn: ['lib/constructs/data-bucket.ts', 'lib/constructs/platform-identity.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'signed-in users reach only their own prefix' },
    evidence: ({ assembly }) => assembly.some('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('users/${cognito-identity.amazonaws.com:sub}')),
  },
  {
    id: 'EDGE-1',
    title: 'A regional WAF WebACL guards the API stage: AWS managed rule groups, per-IP rate limit, body-size limit',
    category: 'edge',
    nist: ['SC-7', 'SC-5', 'SI-10'],
    implementedIn: ['lib/constructs/api-firewall.ts', 'lib/stacks/edge-stack.ts'],
    provenBy: { file: 'test/edge/api-firewall.test.ts', test: 'a regional WebACL guards the API stage' },
    gateRules: ['APIGWAssociatedWithWAF', 'APIG3', 'api_gw_associated_with_waf'],
    evidence: ({ assembly }) => {
      const acls = assembly.ofType('AWS::WAFv2::WebACL').filter((acl) => acl.properties.Scope === 'REGIONAL'
        && ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'].every((name) => text(acl.properties.Rules).includes(name))
        && text(acl.properties.Rules).includes('RateBasedStatement'));
      return acls.some((acl) => assembly.some('AWS::WAFv2::WebACLAssociation', (p) => text(p.WebACLArn).includes(acl.logicalId)
        && assembly.ofType('AWS::ApiGateway::Stage').some((stage) => text(p.ResourceArn).includes(stage.logicalId))));
    },
  },
  {
    id: 'EDGE-2',
    title: 'Every API method is Cognito-authorized with its catalogue scope and validated before it reaches a service',
    category: 'edge',
    nist: ['AC-3', 'IA-2', 'SI-10'],
    implementedIn: ['lib/constructs/platform-api.ts'],
    provenBy: { file: 'test/edge/platform-api.test.ts', test: 'one method per public route, none open' },
    gateRules: ['APIGWAuthorization', 'APIG4', 'COG4', 'APIGWRequestValidation', 'APIG2'],
    evidence: ({ assembly }) => assembly.every('AWS::ApiGateway::Method', (p) => p.HttpMethod === 'OPTIONS'
      || (p.AuthorizationType === 'COGNITO_USER_POOLS' && (p.AuthorizationScopes ?? []).length > 0 && p.RequestValidatorId !== undefined)),
  },
  {
    id: 'EDGE-3',
    title: 'Only a private path to the cluster: API Gateway reaches an internal NLB through a VPC link; with a domain the NLB '
      + 'presents a public ACM certificate API Gateway verifies and re-encrypts to the ingress (plain HTTP only in the dev fallback)',
    category: 'edge',
    nist: ['SC-7', 'SC-8'],
    implementedIn: ['lib/constructs/private-ingress.ts', 'lib/constructs/api-domain.ts', 'lib/stacks/edge-stack.ts'],
    provenBy: { file: 'test/edge/private-ingress.test.ts', test: 'an internal NLB in the workload subnets' },
    evidence: ({ assembly }) => assembly.every('AWS::ElasticLoadBalancingV2::LoadBalancer', (p) => p.Scheme === 'internal')
      && assembly.every('AWS::ElasticLoadBalancingV2::Listener', (p) => (p.Port === 443 && p.Protocol === 'TLS' && text(p.Certificates) !== '')
        || (p.Port === 80 && p.Protocol === 'TCP'))
      && assembly.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').every((lb) =>
        assembly.some('AWS::ApiGateway::VpcLink', (p) => text(p.TargetArns).includes(lb.logicalId))),
  },
  {
    id: 'EDGE-4',
    title: 'API stage: JSON access logs to the encrypted central group, X-Ray tracing, throttling; no data tracing',
    category: 'edge',
    nist: ['AU-12', 'AU-3', 'SC-5'],
    implementedIn: ['lib/constructs/platform-api.ts'],
    provenBy: { file: 'test/edge/platform-api.test.ts', test: 'JSON access logs to the KMS-encrypted central log group' },
    gateRules: ['APIGWAccessLogging', 'APIG1', 'APIGWXrayEnabled', 'APIGWExecutionLoggingEnabled', 'APIG6'],
    evidence: ({ assembly }) => assembly.every('AWS::ApiGateway::Stage', (p) => p.AccessLogSetting?.DestinationArn !== undefined
      && p.TracingEnabled === true && (p.MethodSettings ?? []).length > 0
      && (p.MethodSettings ?? []).every((m: any) => m.DataTraceEnabled !== true && m.ThrottlingRateLimit !== undefined)),
  },
  {
    id: 'DET-1',
    title: 'Alarms on API client and server error rates, p99 latency, throttled requests and WAF blocks, to the encrypted alarm topic',
    category: 'detection',
    nist: ['SI-4', 'SI-4(5)', 'IR-5'],
    implementedIn: ['lib/constructs/api-monitoring.ts'],
    provenBy: { file: 'test/edge/api-monitoring.test.ts', test: 'throttled requests are counted from the JSON access logs' },
    evidence: ({ assembly }) => {
      const alarms = assembly.ofType('AWS::CloudWatch::Alarm').filter((a) => a.stack === 'Edge');
      return alarms.length >= 5 && alarms.every((a) => (a.properties.AlarmActions ?? []).length > 0)
        && alarms.some((a) => text(a.properties).includes('BlockedRequests'));
    },
  },
  {
    id: 'DET-2',
    title: 'WAF logs to a KMS-encrypted aws-waf-logs-* group with the authorization header redacted',
    category: 'detection',
    nist: ['AU-2', 'AU-9', 'SI-4'],
    implementedIn: ['lib/constructs/api-firewall.ts'],
    provenBy: { file: 'test/edge/api-firewall.test.ts', test: 'WAF logs go to a KMS-encrypted aws-waf-logs-* group' },
    gateRules: ['WAFv2LoggingEnabled'],
    evidence: ({ assembly }) => assembly.every('AWS::WAFv2::LoggingConfiguration', (p) =>
      (p.RedactedFields ?? []).some((f: any) => String(f.SingleHeader?.Name).toLowerCase() === 'authorization'))
      && assembly.ofType('AWS::WAFv2::WebACL').every((acl) => assembly.some('AWS::WAFv2::LoggingConfiguration', (p) => text(p.ResourceArn).includes(acl.logicalId))),
  },
  {
    id: 'SC-1',
    title: 'ECR repositories: scan on push, immutable tags, encrypted with the data key',
    category: 'supply-chain',
    nist: ['RA-5', 'SI-7', 'SC-28'],
    cisEks: ['5.1.1'],
    implementedIn: ['lib/constructs/service-repository.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'one per service: KMS with the data key, scan on push, immutable tags' },
    gateRules: ['ECR1', 'ECROpenAccess'],
    evidence: ({ assembly }) => assembly.every('AWS::ECR::Repository', (p) => p.ImageScanningConfiguration?.ScanOnPush === true
      && String(p.ImageTagMutability).startsWith('IMMUTABLE') && p.EncryptionConfiguration?.EncryptionType === 'KMS'),
  },
  {
    id: 'SC-2',
    title: 'Workloads run images from the platform ECR repositories, pinned by digest in prod (tags only in dev, with a warning)',
    category: 'supply-chain',
    nist: ['CM-14', 'SI-7', 'CM-2'],
    cisEks: ['5.1.1'],
    implementedIn: ['lib/workloads.ts', 'lib/charts/workload-settings.ts'],
    provenBy: { file: 'test/stacks/workloads-stack.test.ts', test: 'with digests, every prod image is pinned by its digest' },
    evidence: ({ manifests, profile }) => podSpecs(manifests).length > 0 && podSpecs(manifests).every((spec) => (spec.containers as any[]).every((c) =>
      /\.dkr\.ecr\./.test(c.image) && (profile !== 'prod' || /@sha256:[0-9a-f]{64}$/.test(c.image)))),
  },
  {
    id: 'SC-3',
    title: 'EKS add-ons and Helm charts are pinned to reviewed versions',
    category: 'supply-chain',
    nist: ['CM-2', 'CM-6', 'SA-10'],
    cisEks: ['5.1.1'],
    implementedIn: ['lib/constructs/cluster-addons.ts', 'lib/constructs/helm-component.ts', 'lib/compliance/guard-rules/cluster-controls.guard'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'each add-on is pinned to the configured version' },
    gateRules: ['PLATFORM_EKS_ADDON_VERSION_PINNED'],
    evidence: ({ assembly }) => assembly.every('AWS::EKS::Addon', (p) => typeof p.AddonVersion === 'string' && p.AddonVersion.length > 0)
      && assembly.every('Custom::AWSCDK-EKS-HelmChart', (p) => typeof p.Version === 'string' && p.Version.length > 0),
  },
];
