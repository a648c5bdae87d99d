import { Match } from 'aws-cdk-lib/assertions';
import { clusterAuthorization, can, ResourceRequest } from '../../lib/evidence/rbac-evaluator';
import { teamGroup } from '../../lib/charts/team-namespace';
import { OPERATOR_ROLE_PATHS } from '../../lib/private/operator-role';
import { TeamConfig, testConfigTeams } from './team-access-fixture';
import { buildClusterStack } from './cluster-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';
import { SUPPORTED_CONFIGURATIONS, testConfig } from '../support/platform-fixture';

/**
 * Team tenancy, proven over what the templates hold: the rendered RBAC objects and the access entries, asked through
 * the RBAC evaluator (lib/evidence/rbac-evaluator.ts) what each team role may and may not do.
 */
const ns = (verb: string, resource: string, namespace: string | undefined, group = ''): ResourceRequest => ({
  verb,
  group,
  resource,
  namespace,
});
const OTHER_NAMESPACES = ['shop', 'kube-system', 'istio-system', 'cert-manager', 'default'];
const CLUSTER_SCOPED: readonly ResourceRequest[] = [
  ns('create', 'namespaces', undefined),
  ns('create', 'clusterroles', undefined, 'rbac.authorization.k8s.io'),
  ns('create', 'clusterrolebindings', undefined, 'rbac.authorization.k8s.io'),
  ns('create', 'customresourcedefinitions', undefined, 'apiextensions.k8s.io'),
  ns('create', 'validatingadmissionpolicybindings', undefined, 'admissionregistration.k8s.io'),
  ns('delete', 'nodes', undefined),
  ns('list', 'secrets', undefined),
];

describe.each(Object.keys(SUPPORTED_CONFIGURATIONS))('%s', (name) => {
  const assembly = synthesizedConfiguration(name).assembly;
  const authz = clusterAuthorization(assembly.stacks.map((stack) => stack.template));
  const config = testConfig(SUPPORTED_CONFIGURATIONS[name]);

  test('cluster-wide access policies go to the admin roles and the kubectl handler only', () => {
    const clusterWide = authz.accessEntries
      .filter((e) => e.accessPolicies.some((p) => p.namespaces === 'cluster'))
      .map((e) => e.principalArn);
    // aws-eks-v2 gives its kubectl handler's role (created in the stack, so a reference) admin to apply manifests.
    const [references, literals] = [
      clusterWide.filter((arn) => !arn.startsWith('arn:')),
      clusterWide.filter((arn) => arn.startsWith('arn:')),
    ];
    // With no admin roles configured, the stack's own admin role (also a reference) is the one admin.
    const createdAdmin = config.cluster.adminRoleArns.length === 0 ? [expect.stringMatching(/AdminRole/)] : [];
    expect(references).toEqual(expect.arrayContaining([...createdAdmin, expect.stringMatching(/KubectlProvider.*Role/)]));
    expect(references).toHaveLength(createdAdmin.length + 1);
    expect(literals.sort()).toEqual([...config.cluster.adminRoleArns].sort());
  });

  const teams = config.cluster.teams.length > 0 ? config.cluster.teams : undefined;
  (teams ? test.each(teams.map((team) => [team.name, team] as const)) : test.skip.each([['none', undefined as never]]))(
    'team %s changes its own namespace only',
    (_name, team) => {
      // The team's access entries: one per configured role, or the one for the role the stack created for it.
      const principals = authz.accessEntries.filter((e) => e.kubernetesGroups.includes(teamGroup(team))).map((e) => e.principalArn);
      expect(principals).toEqual(team.roleArns.length > 0 ? team.roleArns : [expect.stringMatching(/role/)]);
      for (const principal of principals) {
        expect(can(authz, principal, ns('create', 'deployments', team.name, 'apps'))).toBe(team.access === 'edit');
        expect(can(authz, principal, ns('get', 'pods', team.name))).toBe(true);
        for (const other of OTHER_NAMESPACES) {
          expect({ other, deploy: can(authz, principal, ns('create', 'deployments', other, 'apps')) }).toEqual({ other, deploy: false });
          expect({ other, secrets: can(authz, principal, ns('get', 'secrets', other)) }).toEqual({ other, secrets: false });
          expect({ other, pods: can(authz, principal, ns('get', 'pods', other)) }).toEqual({ other, pods: false });
        }
        for (const request of CLUSTER_SCOPED)
          expect({ request, allowed: can(authz, principal, request) }).toEqual({ request, allowed: false });
        // Its own guard rails stay out of reach: no quota, limit range or binding changes, so no escalation.
        expect(can(authz, principal, ns('update', 'resourcequotas', team.name))).toBe(false);
        expect(can(authz, principal, ns('delete', 'limitranges', team.name))).toBe(false);
        expect(can(authz, principal, ns('create', 'rolebindings', team.name, 'rbac.authorization.k8s.io'))).toBe(false);
      }
    },
  );
});

test('the reference dev configuration has a team, so tenancy is synthesized and tested', () => {
  expect(testConfig().cluster.teams.length).toBeGreaterThan(0);
});

describe('an edit team and a view team', () => {
  const teams: readonly TeamConfig[] = testConfigTeams();
  const { template } = buildClusterStack({ teams });
  const authz = clusterAuthorization([template.toJSON()]);
  const [editor, viewer] = teams.map((team) => team.roleArns[0]);

  test('edit reads and writes Secrets in its namespace; view reads no Secret, even in its own', () => {
    expect(can(authz, editor, ns('get', 'secrets', 'payments'))).toBe(true);
    expect(can(authz, editor, ns('create', 'secrets', 'payments'))).toBe(true);
    expect(can(authz, viewer, ns('get', 'secrets', 'audit'))).toBe(false);
    expect(can(authz, viewer, ns('list', 'secrets', 'audit'))).toBe(false);
    expect(can(authz, viewer, ns('get', 'configmaps', 'audit'))).toBe(true);
    expect(can(authz, viewer, ns('create', 'deployments', 'audit', 'apps'))).toBe(false);
  });

  test('neither reaches the other team', () => {
    expect(can(authz, editor, ns('get', 'pods', 'audit'))).toBe(false);
    expect(can(authz, viewer, ns('get', 'pods', 'payments'))).toBe(false);
  });

  test('each entry carries the group its RoleBinding names and a policy scoped to its namespace', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: viewer,
      KubernetesGroups: ['platform-team-audit-view'],
      AccessPolicies: [
        {
          PolicyArn: Match.stringLikeRegexp('cluster-access-policy/AmazonEKSViewPolicy$'),
          AccessScope: { Type: 'namespace', Namespaces: ['audit'] },
        },
      ],
    });
  });
});

// The roles the Cluster stack creates for people: separable in IAM by path, and one output each, whatever the names.
describe('created operator roles', () => {
  test('admin and team roles live under their own paths, so a grant for team roles reaches no admin', () => {
    const { template } = buildClusterStack({ teams: [{ name: 'payments', access: 'edit', roleArns: [] }] });
    const described = (role: any) => JSON.stringify(role.Properties.Description ?? '');
    const paths = Object.values(template.findResources('AWS::IAM::Role'))
      .filter((role) => /"(Cluster admin|Team )/.test(described(role)))
      .map((role) => [described(role).includes('Cluster admin') ? 'Cluster' : 'Team', role.Properties.Path]);
    expect(paths.sort()).toEqual([
      ['Cluster', '/platform-admins/'],
      ['Team', '/platform-teams/'],
    ]);
  });

  test('their only AWS permission is describing this cluster (what aws eks update-kubeconfig calls)', () => {
    const { template } = buildClusterStack({ teams: [{ name: 'payments', access: 'edit', roleArns: [] }] });
    const roles = Object.entries(template.findResources('AWS::IAM::Role'))
      .filter(([, role]) => Object.values<string>(OPERATOR_ROLE_PATHS).includes(role.Properties.Path))
      .map(([id]) => id);
    expect(roles).toHaveLength(2);
    const grants = [
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
      ...Object.values(template.findResources('AWS::IAM::Policy')),
    ].filter((policy) => JSON.stringify(policy.Properties.Roles ?? []).match(new RegExp(roles.join('|'))));
    expect(grants).toHaveLength(2);
    for (const policy of grants) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        { Action: 'eks:DescribeCluster', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] } },
      ]);
    }
  });

  test('teams whose names differ only by hyphens each get their role output (output ids drop hyphens)', () => {
    const { template } = buildClusterStack({
      teams: [
        { name: 'a-b', access: 'edit', roleArns: [] },
        { name: 'ab', access: 'view', roleArns: [] },
      ],
    });
    const outputs = Object.values(template.findOutputs('*')).map((o) => o.Description);
    expect(outputs).toEqual(expect.arrayContaining(['role of team a-b to assume', 'role of team ab to assume']));
  });
});
