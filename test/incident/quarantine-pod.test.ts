import { FakeCluster, fakeKube, mutating, resetAws, runIncident, sentNames, summary } from './support';

const POD = 'orders-7d9f8b6c5-x2x4z';

function cluster(): FakeCluster {
  return {
    pods: [
      {
        metadata: { name: POD, namespace: 'shop', labels: { 'app.kubernetes.io/name': 'orders', 'pod-template-hash': '7d9f8b6c5' } },
        spec: { nodeName: 'ip-10-10-1-1', containers: [{ name: 'orders' }] },
      },
    ],
    services: [
      { metadata: { name: 'orders', namespace: 'shop' }, spec: { selector: { 'app.kubernetes.io/name': 'orders' } } },
      { metadata: { name: 'inventory', namespace: 'shop' }, spec: { selector: { 'app.kubernetes.io/name': 'inventory' } } },
    ],
    networkPolicies: [
      {
        metadata: { name: 'default-deny', namespace: 'shop' },
        spec: { podSelector: { matchExpressions: [{ key: 'platform.internal/quarantine', operator: 'NotIn', values: ['true'] }] } },
      },
      { metadata: { name: 'orders', namespace: 'shop' }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } } } },
      {
        metadata: { name: 'quarantine', namespace: 'shop' },
        spec: { podSelector: { matchLabels: { 'platform.internal/quarantine': 'true' } } },
      },
    ],
    nodes: [{ metadata: { name: 'ip-10-10-1-1' }, spec: {} }],
    serviceAccounts: [],
    logs: {},
  };
}

beforeEach(() => resetAws());

test('dry run: says what it would do, changes nothing', async () => {
  const state = cluster();
  const kube = fakeKube(state);
  const { code, records } = await runIncident(['quarantine-pod', `shop/${POD}`], kube.api);
  expect(code).toBe(0);
  expect(summary(records)).toEqual([
    `label-pod shop/${POD} planned`,
    `remove-from-service shop/${POD} planned`,
    'cordon-node ip-10-10-1-1 planned',
  ]);
  expect(records[1].detail).toContain('app.kubernetes.io/name (selected by Service orders, NetworkPolicy orders)');
  expect(mutating(kube.calls)).toEqual([]);
  expect(state).toEqual(cluster());
  expect(sentNames()).toEqual([]);
});

test('apply: labels the pod, removes the labels its Service and policy select on, cordons its node; the pod stays', async () => {
  const state = cluster();
  const kube = fakeKube(state);
  const { code, records } = await runIncident(['quarantine-pod', `shop/${POD}`, '--apply'], kube.api);
  expect(code).toBe(0);
  expect(summary(records)).toEqual([
    `label-pod shop/${POD} changed`,
    `remove-from-service shop/${POD} changed`,
    'cordon-node ip-10-10-1-1 changed',
  ]);
  expect(mutating(kube.calls)).toEqual([
    {
      method: 'patchNamespacedPod',
      param: { name: POD, namespace: 'shop', body: { metadata: { labels: { 'platform.internal/quarantine': 'true' } } } },
    },
    {
      method: 'patchNamespacedPod',
      param: { name: POD, namespace: 'shop', body: { metadata: { labels: { 'app.kubernetes.io/name': null } } } },
    },
    { method: 'patchNode', param: { name: 'ip-10-10-1-1', body: { spec: { unschedulable: true } } } },
  ]);
  expect(state.pods[0].metadata!.labels).toEqual({ 'pod-template-hash': '7d9f8b6c5', 'platform.internal/quarantine': 'true' });
  expect(sentNames()).toEqual([]);
});

test('a rerun after apply changes nothing and says so', async () => {
  const state = cluster();
  await runIncident(['quarantine-pod', `shop/${POD}`, '--apply'], fakeKube(state).api);
  const again = fakeKube(state);
  const { code, records } = await runIncident(['quarantine-pod', `shop/${POD}`, '--apply'], again.api);
  expect(code).toBe(0);
  expect(records.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  expect(mutating(again.calls)).toEqual([]);
});

test.each([
  [
    ['quarantine-pod', 'shop/nope', '--apply'],
    'pod shop/nope not found: name a running pod as <namespace>/<pod> (kubectl get pods -n shop)',
  ],
  [['quarantine-pod', POD, '--apply'], `pod "${POD}" is not <namespace>/<pod>`],
  [['quarantine-pod', '--apply'], 'quarantine-pod takes one <namespace>/<pod>, got 0'],
  [['quarantine-pod', `shop/${POD}`, '--out', 'x'], 'unknown option "--out" for quarantine-pod'],
])('bad input %j: exit 2, one line naming it and the fix, nothing changed', async (argv, message) => {
  const kube = fakeKube(cluster());
  const { code, records, err } = await runIncident(argv, kube.api);
  expect(code).toBe(2);
  expect(err).toHaveLength(1);
  expect(err[0]).toContain(message);
  expect(records).toEqual([]);
  expect(mutating(kube.calls)).toEqual([]);
});
