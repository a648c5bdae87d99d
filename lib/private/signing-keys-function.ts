/**
 * The function of a CloudFormation custom resource that reads a Cognito user pool's signing keys (its JWKS) and returns
 * them as the attribute `Jwks`, so the workloads need no path to Cognito: with egress `isolated` they could reach it
 * only through the cognito-idp VPC endpoint, which refuses user pools that have a domain (Cognito developer guide,
 * "Access Amazon Cognito using an interface endpoint"). This file is the Lambda's whole code: it imports only the
 * runtime's modules, and lib/constructs/user-pool-signing-keys.ts transpiles it as is, so the tests run what deploys.
 */
import * as http from 'node:http';
import * as https from 'node:https';

/** The parts of a CloudFormation custom resource request the function reads. */
export interface SigningKeysEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly JwksUrl: string };
}

/** CloudFormation's limit on a custom resource's response is 4 KB; the keys must fit beside the other fields. */
export const MAX_JWKS_BYTES = 3072;

const TIMEOUT_MS = 10_000;

function request(url: string, method: 'GET' | 'PUT', body?: string): Promise<string> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': '', 'content-length': Buffer.byteLength(body) };
    const req = client.request(url, { method, headers, timeout: TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(text);
        else reject(new Error(`${method} ${new URL(url).origin}${new URL(url).pathname} answered ${res.statusCode}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${new URL(url).origin} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The key set, compacted, once it has RSA signing keys and fits the response. */
export function checkedJwks(text: string): string {
  const parsed = JSON.parse(text) as { keys?: unknown };
  const keys = Array.isArray(parsed.keys) ? parsed.keys : [];
  const complete = (key: unknown): key is Record<string, string> =>
    typeof key === 'object' &&
    key !== null &&
    (key as Record<string, unknown>).kty === 'RSA' &&
    ['kid', 'n', 'e'].every(
      (field) => typeof (key as Record<string, unknown>)[field] === 'string' && (key as Record<string, unknown>)[field] !== '',
    );
  if (keys.length === 0 || !keys.every(complete)) throw new Error('the JWKS holds no key, or a key without kid, kty RSA, n and e');
  const compact = JSON.stringify({ keys: keys.map(({ kid, kty, alg, use, n, e }) => ({ kid, kty, alg, use, n, e })) });
  if (Buffer.byteLength(compact) > MAX_JWKS_BYTES)
    throw new Error(`the JWKS is ${Buffer.byteLength(compact)} bytes, over ${MAX_JWKS_BYTES}`);
  return compact;
}

export async function handler(event: SigningKeysEvent): Promise<void> {
  const physicalResourceId = event.PhysicalResourceId ?? `signing-keys-${event.LogicalResourceId}`;
  let outcome: { Status: 'SUCCESS' | 'FAILED'; Reason?: string; Data?: Record<string, string> };
  try {
    outcome =
      event.RequestType === 'Delete'
        ? { Status: 'SUCCESS' }
        : { Status: 'SUCCESS', Data: { Jwks: checkedJwks(await request(event.ResourceProperties.JwksUrl, 'GET')) } };
  } catch (error) {
    outcome = { Status: 'FAILED', Reason: `signing keys: ${error instanceof Error ? error.message : String(error)}` };
  }
  const response = JSON.stringify({
    ...outcome,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  await request(event.ResponseURL, 'PUT', response);
}
