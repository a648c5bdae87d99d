import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { checkedJwks, handler, MAX_JWKS_BYTES, SigningKeysEvent } from '../../lib/private/signing-keys-function';

// The custom resource function (the same file deploys, transpiled): it reads the JWKS and answers CloudFormation's
// pre-signed URL, here both served on loopback.

const KEY = { kid: 'k1', kty: 'RSA', alg: 'RS256', use: 'sig', n: 'x'.repeat(342), e: 'AQAB' };

interface Served {
  readonly url: string;
  readonly responses: Record<string, unknown>[];
  readonly close: () => Promise<void>;
}

/** A loopback server answering GET /jwks.json with `status` and `body`, and recording PUT bodies (the responses). */
async function serve(status: number, body: string): Promise<Served> {
  const responses: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      if (req.method === 'PUT') {
        responses.push(JSON.parse(text));
        res.end();
      } else {
        res.writeHead(status).end(body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, responses, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const event = (url: string, type: SigningKeysEvent['RequestType'] = 'Create'): SigningKeysEvent => ({
  RequestType: type,
  ResponseURL: `${url}/response?X-Amz-Signature=secret`,
  StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/dev-platform-edge/1',
  RequestId: 'r-1',
  LogicalResourceId: 'SigningKeys',
  ResourceProperties: { JwksUrl: `${url}/jwks.json` },
});

test('answers SUCCESS with the compacted key set as the Jwks attribute', async () => {
  const served = await serve(200, JSON.stringify({ keys: [{ ...KEY, extra: 'dropped' }] }));
  try {
    await handler(event(served.url));
    expect(served.responses).toEqual([
      expect.objectContaining({
        Status: 'SUCCESS',
        RequestId: 'r-1',
        LogicalResourceId: 'SigningKeys',
        Data: { Jwks: JSON.stringify({ keys: [KEY] }) },
      }),
    ]);
  } finally {
    await served.close();
  }
});

test.each([
  ['an error status', 500, '{}', /answered 500/],
  ['a document without keys', 200, '{"keys":[]}', /holds no key/],
  ['a key without its modulus', 200, JSON.stringify({ keys: [{ ...KEY, n: undefined }] }), /without kid, kty RSA, n and e/],
  ['a body that is not JSON', 200, '<html>', /JSON/],
])('answers FAILED, naming the cause, for %s', async (_what, status, body, reason) => {
  const served = await serve(status, body);
  try {
    await handler(event(served.url));
    expect(served.responses).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringMatching(reason) })]);
  } finally {
    await served.close();
  }
});

test('a delete reads nothing and succeeds', async () => {
  const served = await serve(500, 'unreachable');
  try {
    await handler(event(served.url, 'Delete'));
    expect(served.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'signing-keys-SigningKeys' })]);
  } finally {
    await served.close();
  }
});

test("a key set over CloudFormation's response budget is refused rather than cut", () => {
  const keys = Array.from({ length: 10 }, (_, i) => ({ ...KEY, kid: `k${i}` }));
  expect(() => checkedJwks(JSON.stringify({ keys }))).toThrow(new RegExp(`over ${MAX_JWKS_BYTES}`));
});
