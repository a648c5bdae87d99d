import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** Header names and values, flat: node:http writes them as they are, with no header object to build and copy. */
export type RawHeaders = (string | number)[];

/**
 * Writes `body` as a JSON reply with its length, so keep-alive connections stay usable; a Buffer is sent as it is
 * (JSON already serialized, as a proxied reply). `headers` is extended with the content headers.
 */
export function replyJson(res: ServerResponse, status: number, body: unknown, headers: RawHeaders = []): void {
  const json = Buffer.isBuffer(body) ? body : JSON.stringify(body);
  headers.push('content-type', 'application/json', 'content-length', Buffer.byteLength(json));
  res.writeHead(status, headers);
  res.end(json);
}

/**
 * The plain-HTTP probe listener (the kubelet presents no client certificate): `/healthz` answers while the process
 * runs, `/readyz` only while `ready()` holds, so a draining pod leaves the Service's endpoints before it stops.
 */
export function createHealthServer(ready: () => boolean): Server {
  return createServer((req, res) => {
    if (req.url === '/healthz') return replyJson(res, 200, { status: 'ok' });
    if (req.url === '/readyz') {
      const isReady = ready();
      return replyJson(res, isReady ? 200 : 503, { status: isReady ? 'ready' : 'draining' });
    }
    replyJson(res, 404, { error: 'no such route' });
  });
}

/** Listens on `port` (0 for an ephemeral one) and resolves with the port bound. */
export function listenOn(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
