import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeCluster, fakeKube, mutating, resetAws, runIncident, sentNames, summary } from './support';

const POD = 'orders-7d9f8b6c5-x2x4z';
const FOLDER = `shop_${POD}_20261204T193000Z`;

function cluster(): FakeCluster {
  return {
    pods: [
      {
        metadata: { name: POD, namespace: 'shop' },
        spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'orders' }, { name: 'sidecar' }] },
        status: {
          containerStatuses: [{ name: 'orders', restartCount: 2 } as never, { name: 'sidecar', restartCount: 0 } as never],
        },
      },
    ],
    services: [],
    networkPolicies: [],
    nodes: [],
    serviceAccounts: [],
    logs: { init: 'init done\n', orders: 'now\n', 'orders:previous': 'before the restart\n', sidecar: 'sidecar\n' },
  };
}

let out: string;
beforeEach(() => {
  resetAws();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-collect-'));
});
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

const FILES = ['pod.json', 'events.json', 'init.log', 'orders.log', 'orders.previous.log', 'sidecar.log'];

test('dry run: lists the files it would write, writes none', async () => {
  const kube = fakeKube(cluster());
  const { code, records } = await runIncident(['collect', `shop/${POD}`, '--out', out], kube.api);
  expect(code).toBe(0);
  expect(summary(records)).toEqual(FILES.map((file) => `write ${path.join(out, FOLDER, file)} planned`));
  expect(fs.readdirSync(out)).toEqual([]);
  expect(kube.calls.filter((c) => c.method === 'readNamespacedPodLog')).toEqual([]);
});

test('apply: spec, events and the logs of every container (and the previous instance of a restarted one)', async () => {
  const kube = fakeKube(cluster());
  const { code } = await runIncident(['collect', `shop/${POD}`, '--out', out, '--apply'], kube.api);
  expect(code).toBe(0);
  const folder = path.join(out, FOLDER);
  expect(fs.readdirSync(folder).sort()).toEqual([...FILES].sort());
  expect(JSON.parse(fs.readFileSync(path.join(folder, 'pod.json'), 'utf8')).metadata.name).toBe(POD);
  expect(fs.readFileSync(path.join(folder, 'orders.previous.log'), 'utf8')).toBe('before the restart\n');
  expect(kube.calls.filter((c) => c.method === 'listNamespacedEvent')).toEqual([
    {
      method: 'listNamespacedEvent',
      param: { namespace: 'shop', fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${POD},involvedObject.namespace=shop` },
    },
  ]);
  expect(kube.calls.filter((c) => c.method === 'readNamespacedPodLog').map((c) => c.param)).toEqual([
    { name: POD, namespace: 'shop', container: 'init', previous: false, timestamps: true },
    { name: POD, namespace: 'shop', container: 'orders', previous: false, timestamps: true },
    { name: POD, namespace: 'shop', container: 'orders', previous: true, timestamps: true },
    { name: POD, namespace: 'shop', container: 'sidecar', previous: false, timestamps: true },
  ]);
  expect(mutating(kube.calls)).toEqual([]);
  expect(sentNames()).toEqual([]);
});

test('a rerun never overwrites: it writes a folder of its own, and the cluster is only read', async () => {
  await runIncident(['collect', `shop/${POD}`, '--out', out, '--apply'], fakeKube(cluster()).api);
  const first = fs.readFileSync(path.join(out, FOLDER, 'orders.log'), 'utf8');
  const again = fakeKube({ ...cluster(), logs: { ...cluster().logs, orders: 'later\n' } });
  const { code, records } = await runIncident(['collect', `shop/${POD}`, '--out', out, '--apply'], again.api);
  expect(code).toBe(0);
  expect(records[0].target).toBe(path.join(out, `${FOLDER}-1`, 'pod.json'));
  expect(fs.readFileSync(path.join(out, FOLDER, 'orders.log'), 'utf8')).toBe(first);
  expect(mutating(again.calls)).toEqual([]);
});

test('a container without logs gets a file saying so; the rest is still collected', async () => {
  const state = cluster();
  delete state.logs.init;
  await runIncident(['collect', `shop/${POD}`, '--out', out, '--apply'], fakeKube(state).api);
  expect(fs.readFileSync(path.join(out, FOLDER, 'init.log'), 'utf8')).toMatch(/^\(no logs: /);
  expect(fs.readdirSync(path.join(out, FOLDER))).toHaveLength(FILES.length);
});

test('bad input: an unknown pod exits 2 and writes nothing', async () => {
  const { code, err } = await runIncident(['collect', 'shop/nope', '--out', out, '--apply'], fakeKube(cluster()).api);
  expect(code).toBe(2);
  expect(err).toEqual(['incident: pod shop/nope not found: name a running pod as <namespace>/<pod> (kubectl get pods -n shop)']);
  expect(fs.readdirSync(out)).toEqual([]);
});
