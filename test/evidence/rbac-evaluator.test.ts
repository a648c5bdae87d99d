import { accessEntriesOf, Authorization, BUILT_IN_CLUSTER_ROLES, can, ruleAllows } from '../../lib/evidence/rbac-evaluator';

const ALICE = 'arn:aws:iam::111111111111:role/Alice';
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', role: string, group: string, namespace?: string) => ({
  kind,
  metadata: { name: `${role}-${group}`, namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [{ kind: 'Group', name: group }],
});
const world = (
  objects: Authorization['objects'],
  policies: Authorization['accessEntries'][number]['accessPolicies'] = [],
): Authorization => ({
  objects,
  accessEntries: [{ principalArn: ALICE, kubernetesGroups: ['team-a'], accessPolicies: policies }],
});
const request = (verb: string, resource: string, namespace?: string, group = '') => ({ verb, resource, namespace, group });

test('a RoleBinding grants its role in its own namespace only, and nothing cluster-scoped', () => {
  const authz = world([binding('RoleBinding', 'edit', 'team-a', 'a')]);
  expect(can(authz, ALICE, request('create', 'deployments', 'a', 'apps'))).toBe(true);
  expect(can(authz, ALICE, request('create', 'deployments', 'b', 'apps'))).toBe(false);
  expect(can(authz, ALICE, request('list', 'pods'))).toBe(false);
  expect(can(authz, ALICE, request('create', 'namespaces'))).toBe(false);
});

test('a ClusterRoleBinding grants its role everywhere', () => {
  const authz = world([binding('ClusterRoleBinding', 'view', 'team-a')]);
  expect(can(authz, ALICE, request('list', 'pods', 'b'))).toBe(true);
  expect(can(authz, ALICE, request('list', 'pods'))).toBe(true);
});

test('view reads no Secrets; edit reads and writes them but never roles, bindings or quotas', () => {
  const [view, edit] = [BUILT_IN_CLUSTER_ROLES.view, BUILT_IN_CLUSTER_ROLES.edit];
  const allows = (rules: typeof view, verb: string, resource: string, group = '') =>
    rules.some((r) => ruleAllows(r, request(verb, resource, 'a', group)));
  expect(allows(view, 'get', 'secrets')).toBe(false);
  expect(allows(view, 'get', 'configmaps')).toBe(true);
  expect(allows(edit, 'get', 'secrets')).toBe(true);
  expect(allows(edit, 'create', 'rolebindings', 'rbac.authorization.k8s.io')).toBe(false);
  expect(allows(edit, 'update', 'resourcequotas')).toBe(false);
});

test('subresources match only where named, and resourceNames restrict to those objects', () => {
  expect(ruleAllows({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, request('get', 'pods/exec', 'a'))).toBe(false);
  expect(ruleAllows({ apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }, request('get', 'pods/exec', 'a'))).toBe(true);
  const named = { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['one'] };
  expect(ruleAllows(named, { ...request('get', 'secrets', 'a'), name: 'one' })).toBe(true);
  expect(ruleAllows(named, { ...request('get', 'secrets', 'a'), name: 'two' })).toBe(false);
  expect(ruleAllows(named, request('list', 'secrets', 'a'))).toBe(false);
});

test('an access policy applies within its scope only; a principal without an entry can do nothing', () => {
  const authz = world([], [{ policy: 'AmazonEKSEditPolicy', namespaces: ['a'] }]);
  expect(can(authz, ALICE, request('get', 'secrets', 'a'))).toBe(true);
  expect(can(authz, ALICE, request('get', 'secrets', 'b'))).toBe(false);
  expect(can(authz, ALICE, request('create', 'clusterroles', undefined, 'rbac.authorization.k8s.io'))).toBe(false);
  expect(can(authz, 'arn:aws:iam::111111111111:role/Bob', request('get', 'pods', 'a'))).toBe(false);
  const admin = world([], [{ policy: 'AmazonEKSClusterAdminPolicy', namespaces: 'cluster' }]);
  expect(can(admin, ALICE, request('create', 'clusterroles', undefined, 'rbac.authorization.k8s.io'))).toBe(true);
});

test('unknown policies, aggregated roles and unknown subject kinds fail loudly', () => {
  expect(() => can(world([], [{ policy: 'AmazonEKSMadeUpPolicy', namespaces: 'cluster' }]), ALICE, request('get', 'pods', 'a'))).toThrow(
    /no known rules/,
  );
  const aggregated = { kind: 'ClusterRole', metadata: { name: 'edit' }, aggregationRule: {} };
  expect(() => can(world([aggregated, binding('RoleBinding', 'edit', 'team-a', 'a')]), ALICE, request('get', 'pods', 'a'))).toThrow(
    /aggregates/,
  );
});

test('access entries are read from templates, policy names from their ARNs, intrinsics joined', () => {
  const template = {
    Resources: {
      Entry: {
        Type: 'AWS::EKS::AccessEntry',
        Properties: {
          PrincipalArn: ALICE,
          KubernetesGroups: ['team-a'],
          AccessPolicies: [
            {
              PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSViewPolicy']] },
              AccessScope: { Type: 'namespace', Namespaces: ['a'] },
            },
          ],
        },
      },
    },
  };
  expect(accessEntriesOf([template])).toEqual([
    { principalArn: ALICE, kubernetesGroups: ['team-a'], accessPolicies: [{ policy: 'AmazonEKSViewPolicy', namespaces: ['a'] }] },
  ]);
});
