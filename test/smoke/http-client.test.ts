import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SmokeHttpClient } from '../../scripts/smoke/http-client';

let silent: Server;

beforeAll(async () => {
  // Accepts the connection and the request, and never answers.
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

test('a request that gets no answer ends at the timeout, as a network error', async () => {
  const http = new SmokeHttpClient({ timeoutMs: 200 });
  const outcome = await http.send({ method: 'GET', url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/` });
  await http.close();
  expect(outcome).toEqual({
    networkError: expect.stringMatching(/^(TimeoutError|UND_ERR_HEADERS_TIMEOUT)$/),
    latencyMs: expect.any(Number),
  });
  expect(outcome.latencyMs).toBeLessThan(2000);
});
