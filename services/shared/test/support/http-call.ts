import { Dispatcher, request } from 'undici';

export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

/** One request with undici; the reply is parsed as JSON (every reply of the services is JSON). */
export async function call(url: string, options: {
  method?: Dispatcher.HttpMethod; token?: string; body?: string | object; headers?: Record<string, string>;
  dispatcher?: Dispatcher;
} = {}): Promise<CallResult> {
  const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body;
  const res = await request(url, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body,
    dispatcher: options.dispatcher,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : {} };
}
