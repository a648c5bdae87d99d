/**
 * A rolling restart of inventory behind a stand-in for its Kubernetes Service, under keep-alive load: the drain on
 * SIGTERM must not fail a single request.
 */
import { connect, createServer, Socket } from 'node:net';
import { Pool } from 'undici';
import { assertBundlesAreFresh, RunningBundle } from '../support/service-bundles';
import { ALL_SCOPES, createHostilePlatform, HostilePlatform, send } from './hostile-support';

/** The least the old pod waits before SIGTERM; the chart's preStop sleep is far longer (kube-proxy is slower). */
const PRE_STOP_MS = 300;
/** How long the load runs before the first pod is replaced and after the last one. */
const STEADY_MS = 100;
const CONNECTIONS = 20;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Kubernetes Service as kube-proxy implements it: each new connection goes to one of the current endpoints, and an
 * open connection stays with its pod after the pod has left the endpoints. A reset on one side is passed on as a reset.
 */
interface ServiceProxy {
  readonly port: number;
  readonly endpoints: Set<number>;
  close(): Promise<void>;
}

async function startServiceProxy(): Promise<ServiceProxy> {
  const endpoints = new Set<number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    const ports = [...endpoints];
    const upstream = connect(ports[connections++ % ports.length], '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      sockets.add(from);
      from.on('close', () => sockets.delete(from));
      from.on('error', () => to.resetAndDestroy());
      from.pipe(to);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    endpoints,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let platform: HostilePlatform;

beforeAll(async () => {
  assertBundlesAreFresh(['inventory']);
  platform = await createHostilePlatform();
});

afterAll(() => platform?.close());

test('a rolling restart under keep-alive load fails no request', async () => {
  // The replacements start with the old pods, not under the load: on two cores a start under load takes a second.
  const [pods, replacements] = await Promise.all(
    [0, 1].map(() => Promise.all([0, 1].map(() => platform.start('inventory', 'istio-ambient', { SHUTDOWN_GRACE_MS: '1500' })))),
  );
  const authorization = `Bearer ${platform.cognito.mint(ALL_SCOPES)}`;
  await send(
    { port: pods[0].port },
    {
      method: 'PUT',
      path: '/inventory/sku-r',
      headers: [
        ['authorization', authorization],
        ['content-type', 'application/json'],
      ],
      body: '{"quantity":5}',
    },
  );
  const proxy = await startServiceProxy();
  pods.forEach((pod) => proxy.endpoints.add(pod.port));
  const pool = new Pool(`http://127.0.0.1:${proxy.port}`, { connections: CONNECTIONS });

  let phase = 'warm-up';
  const served = new Map<string, number>();
  const failures: string[] = [];
  let loaded = true;
  const client = async () => {
    while (loaded) {
      const during = phase;
      try {
        const res = await pool.request({ method: 'GET', path: '/inventory/sku-r', headers: { authorization } });
        await res.body.dump();
        if (res.statusCode === 200) served.set(during, (served.get(during) ?? 0) + 1);
        else failures.push(`${during}: ${res.statusCode}`);
      } catch (err) {
        failures.push(`${during}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
  };
  const clients = Array.from({ length: CONNECTIONS }, client);
  /** Whether the pod logged a request after it began draining: requests on its open connections were still answered. */
  const answeredWhileDraining = (pod: RunningBundle) => {
    const draining = pod.logs.findIndex((line) => line.msg === 'draining');
    return draining >= 0 && pod.logs.slice(draining).some((line) => line.msg === 'request');
  };
  const stopped: { exitCode: number | null; answeredWhileDraining: boolean }[] = [];
  try {
    // Every connection of the pool opened and answered first: a pod that stalls while twenty connections arrive at
    // once could still hold one in its accept queue at SIGTERM, which a preStop sleep of seconds rules out in a cluster.
    const warmUpBound = performance.now() + 3000;
    while ((served.get('warm-up') ?? 0) < CONNECTIONS && performance.now() < warmUpBound) await pause(10);
    phase = 'two pods';
    await pause(STEADY_MS);
    for (const [i, old] of pods.entries()) {
      phase = `replacing pod ${i + 1}`;
      // maxSurge 1, maxUnavailable 0: the replacement is ready before the old pod leaves the endpoints and is told to stop.
      proxy.endpoints.add(replacements[i].port);
      proxy.endpoints.delete(old.port);
      await pause(PRE_STOP_MS);
      stopped.push({ exitCode: await old.terminate(), answeredWhileDraining: answeredWhileDraining(old) });
    }
    phase = 'two new pods';
    await pause(STEADY_MS);
  } finally {
    loaded = false;
    await Promise.all(clients);
    await pool.close();
    await proxy.close();
  }
  const phases = ['warm-up', 'two pods', 'replacing pod 1', 'replacing pod 2', 'two new pods'];
  expect({ failures, phasesWithoutSuccess: phases.filter((name) => !served.has(name)), stopped }).toEqual({
    failures: [],
    phasesWithoutSuccess: [],
    stopped: [0, 1].map(() => ({ exitCode: 0, answeredWhileDraining: true })),
  });
});
