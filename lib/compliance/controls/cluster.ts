import { clusterObjects, text } from './evidence-readers';
import { can, clusterAuthorization, ResourceRequest } from '../../evidence/rbac-evaluator';
import { ControlEvidence, SecurityControl } from './security-control';

export const CLUSTER_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'CL-1',
    title: 'Cluster API endpoint is private only',
    category: 'cluster',
    nist: ['SC-7', 'AC-17'],
    cisEks: ['5.4.1', '5.4.2'],
    implementedIn: ['lib/constructs/private-cluster.ts', 'lib/compliance/guard-rules/platform-controls.guard'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'the API endpoint is private only' },
    gateRules: ['EKSClusterNoEndpointPublicAccess', 'EKS1', 'PLATFORM_EKS_ENDPOINT_PRIVATE'],
    evidence: clusterEndpointPrivateOnly,
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
    evidence: clusterSecretsEnvelopeEncrypted,
  },
  {
    id: 'CL-3',
    title: 'All five control-plane log types (api, audit, authenticator, controllerManager, scheduler) are on',
    category: 'cluster',
    nist: ['AU-2', 'AU-12'],
    cisEks: ['2.1.1'],
    implementedIn: [
      'lib/constructs/private-cluster.ts',
      'lib/stacks/cluster-stack.ts',
      'lib/compliance/guard-rules/cluster-controls.guard',
    ],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'all five control-plane log types are on' },
    gateRules: ['EKSClusterControlPlaneLogs', 'EKS2', 'PLATFORM_EKS_ALL_CONTROL_PLANE_LOGS', 'eks_cluster_logging_enabled_check'],
    evidence: allControlPlaneLogsOn,
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
    evidence: clusterAccessByEntriesOnly,
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
    evidence: nodesHardened,
  },
  {
    id: 'CL-6',
    title: 'The VPC CNI enforces Kubernetes NetworkPolicies',
    category: 'cluster',
    nist: ['SC-7', 'AC-4'],
    cisEks: ['4.3.1', '5.4.4'],
    implementedIn: ['lib/constructs/cluster-addons.ts'],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'vpc-cni enforces network policies' },
    evidence: cniEnforcesNetworkPolicies,
  },
  {
    id: 'CL-7',
    title: 'Node role can only join the cluster and pull images; add-ons and components get AWS access through Pod Identity',
    category: 'cluster',
    nist: ['AC-6', 'AC-6(10)'],
    cisEks: ['5.2.1'],
    implementedIn: [
      'lib/constructs/bottlerocket-nodegroup.ts',
      'lib/constructs/cluster-addons.ts',
      'lib/constructs/helm-component.ts',
      'lib/constructs/pod-identity-role.ts',
    ],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'the node role can only join the cluster and pull images' },
    evidence: nodeRoleJoinsAndPullsOnly,
  },
  {
    id: 'CL-8',
    title:
      'Nodes Karpenter launches keep the node controls: Bottlerocket, IMDSv2 with hop limit 1, both volumes encrypted with a platform key, subnets named by id, no public IP; its IAM policy denies launches that break them',
    category: 'cluster',
    nist: ['CM-6', 'CM-7', 'SC-28'],
    cisEks: ['3.1.1', '5.4.3'],
    implementedIn: ['lib/constructs/karpenter.ts'],
    provenBy: { file: 'test/cluster/karpenter.test.ts', test: 'IMDSv2 required with a hop limit of 1' },
    evidence: karpenterNodesHardened,
  },
  {
    id: 'CL-9',
    title:
      'Operator teams reach their own namespace only: access entries with namespace-scoped edit or view policies and the group ' +
      'a namespaced RoleBinding names; no Secret outside it, no cluster-scoped object; cluster admin is a separate explicit list',
    category: 'cluster',
    nist: ['AC-2', 'AC-3', 'AC-6'],
    cisEks: ['4.1.1', '4.1.2'],
    implementedIn: [
      'lib/constructs/team-access.ts',
      'lib/charts/team-namespace.ts',
      'lib/config/teams.ts',
      'lib/private/access-entry-principal.ts',
    ],
    provenBy: { file: 'test/cluster/team-access.test.ts', test: 'changes its own namespace only' },
    evidence: teamsConfinedToTheirNamespaces,
  },
];

export function clusterEndpointPrivateOnly({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::EKS::Cluster',
    (p) => p.ResourcesVpcConfig?.EndpointPublicAccess === false && p.ResourcesVpcConfig?.EndpointPrivateAccess === true,
  );
}

export function clusterSecretsEnvelopeEncrypted({ assembly }: ControlEvidence): boolean {
  return assembly.every('AWS::EKS::Cluster', (p) =>
    (p.EncryptionConfig ?? []).some((c: any) => (c.Resources ?? []).includes('secrets') && c.Provider?.KeyArn !== undefined),
  );
}

export function allControlPlaneLogsOn({ assembly }: ControlEvidence): boolean {
  return assembly.every('AWS::EKS::Cluster', (p) => {
    const enabled = (p.Logging?.ClusterLogging?.EnabledTypes ?? []).map((t: any) => t.Type);
    return ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].every((t) => enabled.includes(t));
  });
}

export function clusterAccessByEntriesOnly({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::EKS::Cluster',
    (p) => p.AccessConfig?.AuthenticationMode === 'API' && p.AccessConfig?.BootstrapClusterCreatorAdminPermissions === false,
  );
}

export function nodesHardened({ assembly }: ControlEvidence): boolean {
  return (
    assembly.every('AWS::EKS::Nodegroup', (p) => String(p.AmiType).startsWith('BOTTLEROCKET')) &&
    assembly.every('AWS::EC2::LaunchTemplate', (p) => {
      // Without mappings the nodes boot on the AMI's own volumes, which the block-storage key does not encrypt.
      const volumes: any[] = p.LaunchTemplateData?.BlockDeviceMappings ?? [];
      return (
        p.LaunchTemplateData?.MetadataOptions?.HttpTokens === 'required' &&
        p.LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit === 1 &&
        volumes.length > 0 &&
        volumes.every((b) => b.Ebs?.Encrypted === true && b.Ebs?.KmsKeyId !== undefined)
      );
    })
  );
}

export function cniEnforcesNetworkPolicies({ assembly }: ControlEvidence): boolean {
  return assembly.some(
    'AWS::EKS::Addon',
    (p) => p.AddonName === 'vpc-cni' && /"enableNetworkPolicy":"true"/.test(String(p.ConfigurationValues)),
  );
}

export function nodeRoleJoinsAndPullsOnly({ assembly }: ControlEvidence): boolean {
  // The node groups' own roles, found by reference: a role from outside the assembly cannot be shown to lack the policy.
  const nodeRoles = assembly
    .ofType('AWS::EKS::Nodegroup')
    .map((group) =>
      assembly
        .ofType('AWS::IAM::Role')
        .find((role) => role.stack === group.stack && text(group.properties.NodeRole) === text({ 'Fn::GetAtt': [role.logicalId, 'Arn'] })),
    );
  return (
    assembly.some('AWS::EKS::PodIdentityAssociation') &&
    nodeRoles.length > 0 &&
    nodeRoles.every((role) => role !== undefined && !text(role.properties.ManagedPolicyArns).includes('AmazonEKS_CNI_Policy'))
  );
}

export function karpenterNodesHardened({ assembly }: ControlEvidence): boolean {
  const classes = clusterObjects(assembly, 'EC2NodeClass');
  return (
    classes.length > 0 &&
    classes.every(({ spec }) => {
      const volumes: any[] = spec?.blockDeviceMappings ?? [];
      return (
        (spec.amiSelectorTerms ?? []).length > 0 &&
        spec.amiSelectorTerms.every((term: any) => String(term.alias).startsWith('bottlerocket@')) &&
        spec.metadataOptions?.httpTokens === 'required' &&
        spec.metadataOptions.httpPutResponseHopLimit === 1 &&
        spec.associatePublicIPAddress === false &&
        (spec.subnetSelectorTerms ?? []).length > 0 &&
        spec.subnetSelectorTerms.every((term: any) => term.id !== undefined) &&
        volumes.length === 2 &&
        volumes.every((v) => v.ebs?.encrypted === true && v.ebs.kmsKeyID !== undefined)
      );
    })
  );
}

/** What no team may do anywhere: create cluster-scoped objects, or read Secrets of the whole cluster. */
const CLUSTER_SCOPED_REQUESTS: readonly ResourceRequest[] = [
  { verb: 'create', group: '', resource: 'namespaces' },
  { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  { verb: 'create', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
  { verb: 'list', group: '', resource: 'secrets' },
];

/**
 * Every access entry carrying Kubernetes groups (a team's) has only namespace-scoped policies, and the evaluator finds
 * its principal unable to create cluster-scoped objects or to read a Secret in any namespace outside its scope; no
 * ClusterRoleBinding names a group. Evaluated over the templates, where the access entries and team RBAC live.
 */
export function teamsConfinedToTheirNamespaces({ assembly }: ControlEvidence): boolean {
  const authz = clusterAuthorization(Object.values(assembly.templates));
  if (authz.accessEntries.length === 0) return false;
  const namespaces = [
    ...new Set(['kube-system', 'default', ...authz.objects.filter((o) => o.kind === 'Namespace').map((o) => String(o.metadata?.name))]),
  ];
  const groupBoundClusterWide = authz.objects.some(
    (o) => o.kind === 'ClusterRoleBinding' && (o.subjects ?? []).some((s: any) => s.kind === 'Group'),
  );
  return (
    !groupBoundClusterWide &&
    authz.accessEntries
      .filter((entry) => entry.kubernetesGroups.length > 0)
      .every((entry) => {
        const scopes = entry.accessPolicies.flatMap((p) => (p.namespaces === 'cluster' ? ['*'] : p.namespaces));
        if (scopes.includes('*')) return false;
        const outside = namespaces.filter((ns) => !scopes.includes(ns));
        return (
          CLUSTER_SCOPED_REQUESTS.every((request) => !can(authz, entry.principalArn, request)) &&
          outside.every((namespace) => !can(authz, entry.principalArn, { verb: 'get', group: '', resource: 'secrets', namespace }))
        );
      })
  );
}
