import { X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { ReloadingTlsMaterial, TlsMaterial } from '../src/mtls/tls-material';
import { call } from './support/http-call';
import { capturingLogger } from './support/test-logger';
import { createTestCa, INGRESS_ID, TestCa, workloadId, writeTlsFiles } from './support/test-pki';
import { createTestPlatform, RunningService, TestPlatform } from './support/test-services';

let platform: TestPlatform;
let platformCa: TestCa;
let inventory: RunningService;
let inventoryUrl: string;
let ordersUrl: string;
let token: string;
let ingress: TlsMaterial;
const agents: Agent[] = [];

/** A keep-alive client agent presenting `material` (or no certificate) and trusting the platform CA. */
function agentWith(material: Partial<TlsMaterial>): Agent {
  const agent = new Agent({ keepAlive: true, ca: platformCa.pem, cert: material.cert, key: material.key });
  agents.push(agent);
  return agent;
}

function tlsEnv(name: string, material: TlsMaterial): Record<string, string> {
  const files = writeTlsFiles(join(platform.dir, name), material);
  return { MTLS_MODE: 'native', TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile, TLS_CA_FILE: files.caFile };
}

beforeAll(async () => {
  platform = await createTestPlatform();
  platformCa = await createTestCa('platform CA');
  ingress = await platformCa.issue(INGRESS_ID);
  inventory = await platform.startInventory(tlsEnv('inventory', await platformCa.issue(workloadId('shop', 'inventory'))));
  inventoryUrl = `https://127.0.0.1:${inventory.ports.port}`;
  const orders = await platform.startOrders({
    ...tlsEnv('orders', await platformCa.issue(workloadId('shop', 'orders'))),
    INVENTORY_URL: inventoryUrl,
  });
  ordersUrl = `https://127.0.0.1:${orders.ports.port}`;
  token = platform.cognito.mint(['orders/write', 'inventory/read', 'inventory/write']);
  await call(`${inventoryUrl}/inventory/sku-m`, { method: 'PUT', token, body: { quantity: 1000 }, agent: agentWith(ingress) });
});

afterAll(async () => {
  agents.forEach((agent) => agent.destroy());
  await platform.close();
});

describe('handshake', () => {
  test('a client without a certificate is rejected at the handshake', async () => {
    await expect(call(`${inventoryUrl}/inventory/sku-m`, { token, agent: agentWith({}) })).rejects.toMatchObject({
      code: expect.stringMatching(/CERTIFICATE_REQUIRED|ECONNRESET/),
    });
  });

  test('a certificate from another CA is rejected at the handshake', async () => {
    const stranger = await (await createTestCa('other CA')).issue(INGRESS_ID);
    await expect(call(`${inventoryUrl}/inventory/sku-m`, { token, agent: agentWith(stranger) })).rejects.toMatchObject({
      code: expect.stringMatching(/UNKNOWN_CA|ECONNRESET/),
    });
  });

  test('TLS 1.2 is refused', async () => {
    const agent = new Agent({ ...ingress, maxVersion: 'TLSv1.2' });
    agents.push(agent);
    await expect(call(`${inventoryUrl}/inventory/sku-m`, { token, agent })).rejects.toThrow(/version/i);
  });
});

describe('caller identity (SPIFFE URI SAN) against the call graph', () => {
  test('an identity outside the call graph is 403', async () => {
    const intruder = await platformCa.issue(workloadId('shop', 'intruder'));
    const res = await call(`${inventoryUrl}/inventory/sku-m`, { token, agent: agentWith(intruder) });
    expect(res).toMatchObject({ status: 403, body: { error: 'caller identity not allowed on this route' } });
  });

  test('inventory may not call orders (the edge goes the other way)', async () => {
    const asInventory = await platformCa.issue(workloadId('shop', 'inventory'));
    expect((await call(`${ordersUrl}/orders/o-1`, { token, agent: agentWith(asInventory) })).status).toBe(403);
  });

  test('the ingress identity reaches public routes; orders reaches inventory', async () => {
    expect((await call(`${inventoryUrl}/inventory/sku-m`, { token, agent: agentWith(ingress) })).status).toBe(200);
    const asOrders = await platformCa.issue(workloadId('shop', 'orders'));
    expect((await call(`${inventoryUrl}/inventory/sku-m`, { token, agent: agentWith(asOrders) })).status).toBe(200);
  });

  test("orders calls inventory with its own certificate and checks inventory's identity", async () => {
    const res = await call(`${ordersUrl}/orders`, {
      method: 'POST',
      token,
      body: { orderId: 'm-1', sku: 'sku-m', quantity: 1 },
      agent: agentWith(ingress),
    });
    expect(res.status).toBe(201);
    const lines = inventory.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request');
    expect(lines.at(-1)).toMatchObject({ caller: workloadId('shop', 'orders'), status: 200 });
  });
});

describe('certificate rotation', () => {
  function servedFingerprint(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port: inventory.ports.port, host: '127.0.0.1', ...ingress }, () => {
        resolve(socket.getPeerX509Certificate()!.fingerprint256);
        socket.destroy();
      });
      socket.on('error', reject);
    });
  }

  test('rotated files are served to new connections, with zero failed requests under load', async () => {
    const rotated = await platformCa.issue(workloadId('shop', 'inventory'));
    const rotatedOrders = await platformCa.issue(workloadId('shop', 'orders'));
    let completed = 0;
    const failures: string[] = [];
    let stop = false;
    // Each worker opens a fresh connection every 10 requests, so handshakes happen before, during and after the swap.
    const worker = async (n: number) => {
      for (let i = 0; !stop && i < 2000; i++) {
        const agent = i % 10 === 0 ? agentWith(ingress) : agents[agents.length - 1];
        const url = n % 2 === 0 ? `${inventoryUrl}/inventory/sku-m` : `${ordersUrl}/orders`;
        const body = n % 2 === 0 ? undefined : { orderId: `r-${n}-${i}`, sku: 'sku-m', quantity: 1 };
        await call(url, { method: body ? 'POST' : 'GET', token, body, agent })
          .then((res) => (res.status < 300 ? completed++ : failures.push(`${res.status}`)))
          .catch((err: Error) => failures.push(err.message));
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    const before = await servedFingerprint();
    while (completed < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    writeTlsFiles(join(platform.dir, 'inventory'), rotated);
    writeTlsFiles(join(platform.dir, 'orders'), rotatedOrders);
    const expected = new X509Certificate(rotated.cert).fingerprint256;
    for (let i = 0; i < 100 && (await servedFingerprint()) !== expected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const afterRotation = completed;
    while (completed < afterRotation + 20) await new Promise((resolve) => setTimeout(resolve, 10));
    stop = true;
    await Promise.all(workers);
    expect(before).not.toBe(expected);
    expect(await servedFingerprint()).toBe(expected);
    expect(failures).toEqual([]);
    expect(inventory.logLines.some((line) => line.includes('tls material reloaded'))).toBe(true);
  });

  test('server-only material (no CA file, as in an ACME secret) is loaded without a CA and reloaded on rotation', async () => {
    const dir = join(platform.dir, 'server-only');
    const { certFile, keyFile } = writeTlsFiles(dir, await platformCa.issue(INGRESS_ID));
    const material = new ReloadingTlsMaterial({ certFile, keyFile }, 10, capturingLogger('edge'));
    try {
      expect(material.current.ca).toBeUndefined();
      const rotated = await platformCa.issue(INGRESS_ID);
      writeTlsFiles(dir, rotated);
      for (let i = 0; i < 100 && material.current.cert !== rotated.cert; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(material.current).toEqual({ cert: rotated.cert, key: rotated.key });
    } finally {
      material.stop();
    }
  });
});
