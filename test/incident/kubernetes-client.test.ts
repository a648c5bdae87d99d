import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

/**
 * The real Kubernetes client, end to end: `npm run incident` (the esbuild bundle, as operators run it) against a tiny
 * API server on 127.0.0.1. The client is an ES module jest cannot load, so the other tests fake it at its boundary; this
 * one checks that boundary: the kubeconfig is read, paths are the API's, and patches go as JSON merge patches.
 */

const ROOT = path.join(__dirname, '..', '..');

interface Request {
  readonly method: string;
  readonly path: string;
  readonly contentType?: string;
  readonly body: string;
}

const requests: Request[] = [];
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'orders-1', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'orders' } },
  spec: { nodeName: 'n1', containers: [{ name: 'orders' }] },
};
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} as Record<string, unknown> };

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const url = req.url!.split('?')[0];
    requests.push({ method: req.method!, path: url, contentType: req.headers['content-type'], body });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url === '/api/v1/namespaces/shop/pods/orders-1') {
      if (req.method === 'PATCH') {
        for (const [key, value] of Object.entries(JSON.parse(body).metadata.labels as Record<string, string | null>)) {
          if (value === null) delete (pod.metadata.labels as Record<string, string>)[key];
          else (pod.metadata.labels as Record<string, string>)[key] = value;
        }
      }
      return send(200, pod);
    }
    if (url === '/api/v1/namespaces/shop/services') {
      return send(200, { items: [{ metadata: { name: 'orders' }, spec: { selector: { 'app.kubernetes.io/name': 'orders' } } }] });
    }
    if (url === '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies') return send(200, { items: [] });
    if (url === '/api/v1/nodes/n1') {
      if (req.method === 'PATCH') node.spec = { ...node.spec, ...JSON.parse(body).spec };
      return send(200, node);
    }
    return send(404, { kind: 'Status', code: 404 });
  });
});

let directory: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-kube-'));
  const port = (server.address() as AddressInfo).port;
  fs.writeFileSync(
    path.join(directory, 'config'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP on loopback needs the client's explicit opt-out of TLS verification.
      clusters: [{ name: 'test', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'test', user: { token: 'test-token' } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      'current-context': 'test',
    }),
  );
});
afterAll(() => {
  server.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

const incident = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.mjs'), path.join(ROOT, 'scripts', 'incident.ts'), ...args], {
    cwd: directory,
    env: { PATH: process.env.PATH, KUBECONFIG: path.join(directory, 'config'), AWS_REGION: 'eu-west-1' },
    timeout: 30000,
  });

test('quarantine-pod --apply: reads, then patches the pod and the node as JSON merge patches', async () => {
  const { stdout } = await incident('quarantine-pod', 'shop/orders-1', '--apply');
  expect(
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).status),
  ).toEqual(['changed', 'changed', 'changed']);
  expect(requests.filter((r) => r.method === 'PATCH')).toEqual([
    {
      method: 'PATCH',
      path: '/api/v1/namespaces/shop/pods/orders-1',
      contentType: 'application/merge-patch+json',
      body: '{"metadata":{"labels":{"platform.internal/quarantine":"true"}}}',
    },
    {
      method: 'PATCH',
      path: '/api/v1/namespaces/shop/pods/orders-1',
      contentType: 'application/merge-patch+json',
      body: '{"metadata":{"labels":{"app.kubernetes.io/name":null}}}',
    },
    { method: 'PATCH', path: '/api/v1/nodes/n1', contentType: 'application/merge-patch+json', body: '{"spec":{"unschedulable":true}}' },
  ]);
});

test('an unknown pod: the API server answers 404, the toolkit exits 2 with one line', async () => {
  const failed = await incident('quarantine-pod', 'shop/nope', '--apply').catch((err) => err);
  expect(failed.code).toBe(2);
  expect(failed.stderr.trim()).toBe(
    'incident: pod shop/nope not found: name a running pod as <namespace>/<pod> (kubectl get pods -n shop)',
  );
});
