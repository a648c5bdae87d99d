import { Testing } from 'cdk8s';
import { POD_SECURITY_LABELS } from '../../lib/charts/namespace';
import { DEFAULT_DENY_POLICY_NAME } from '../../lib/charts/network-policies';
import { TeamsChart } from '../../lib/charts/team-namespace';
import { resolveWorkload } from '../../lib/charts/workload-settings';

const render = (mtls: 'istio-ambient' | 'native') =>
  Testing.synth(
    new TeamsChart(Testing.app(), 'teams', {
      teams: [
        { name: 'payments', access: 'edit', roleArns: ['arn:aws:iam::111111111111:role/Dev'] },
        { name: 'audit', access: 'view', roleArns: ['arn:aws:iam::111111111111:role/Auditor'], workloads: 1 },
      ],
      mtls,
      workload: resolveWorkload('dev'),
    }),
  );
const find = (objects: any[], kind: string, namespace: string) =>
  objects.find((o) => o.kind === kind && (kind === 'Namespace' ? o.metadata.name : o.metadata.namespace) === namespace);

test.each(['istio-ambient', 'native'] as const)('each team namespace is guarded like a service namespace (%s)', (mtls) => {
  const objects = render(mtls);
  for (const namespace of ['payments', 'audit']) {
    expect(find(objects, 'Namespace', namespace).metadata.labels).toMatchObject(POD_SECURITY_LABELS);
    const deny = find(objects, 'NetworkPolicy', namespace);
    expect(deny.metadata.name).toBe(DEFAULT_DENY_POLICY_NAME);
    expect(deny.spec).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(find(objects, 'ResourceQuota', namespace).spec.hard).toMatchObject({ 'services.loadbalancers': '0', 'services.nodeports': '0' });
    expect(find(objects, 'LimitRange', namespace)).toBeDefined();
  }
  // The quota follows the team's workload count: room for each at its maximum replicas plus a surge pod.
  const settings = resolveWorkload('dev');
  expect(find(objects, 'ResourceQuota', 'audit').spec.hard.pods).toBe(String(settings.maxReplicas + 1));
  expect(find(objects, 'ResourceQuota', 'payments').spec.hard.pods).toBe(String(2 * (settings.maxReplicas + 1)));
});

test("the RoleBinding binds the team's group to the built-in role inside the namespace, and nothing is cluster-wide", () => {
  const objects = render('istio-ambient');
  expect(find(objects, 'RoleBinding', 'audit')).toEqual({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'team-view', namespace: 'audit' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'platform-team-audit-view' }],
  });
  expect(objects.filter((o) => ['ClusterRole', 'ClusterRoleBinding', 'Role'].includes(o.kind))).toEqual([]);
});
