import { Agent, request } from 'node:https';
import { request as plainRequest } from 'node:http';

export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

export interface CallOptions {
  readonly method?: string;
  readonly token?: string;
  readonly body?: string | object;
  readonly headers?: Record<string, string>;
  /** For https:// URLs: the keep-alive agent holding the client certificate and the CA. */
  readonly agent?: Agent;
}

/** One request with node:http(s); the reply is parsed as JSON (every reply of the services is JSON). */
export function call(url: string, options: CallOptions = {}): Promise<CallResult> {
  const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body;
  const headers = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const send = url.startsWith('https:') ? request : plainRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: options.method ?? 'GET', headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
