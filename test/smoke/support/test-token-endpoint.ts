import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { TestCognito } from '../../../services/shared/test/support/test-cognito';
import { TlsMaterial } from '../../../services/shared/src/mtls/tls-material';

export interface TestTokenEndpointProps {
  /** Signs the tokens with the key whose JWKS the services load (COGNITO_JWKS_FILE). */
  readonly cognito: TestCognito;
  /** The endpoint's server certificate. */
  readonly tls: TlsMaterial;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The scopes the client may request; all of them when it asks for none, as Cognito does. */
  readonly allowedScopes: readonly string[];
}

export interface TestTokenEndpoint {
  /** `https://127.0.0.1:<port>/oauth2/token`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A user pool domain's `/oauth2/token` for the client-credentials grant, on loopback: HTTP Basic client
 * authentication, `grant_type=client_credentials`, `scope` checked against the client's scopes, and RS256
 * Cognito-shaped access tokens. Refusals are RFC 6749 §5.2 errors (401 invalid_client for failed Basic auth).
 */
export async function startTestTokenEndpoint(props: TestTokenEndpointProps): Promise<TestTokenEndpoint> {
  const server = createServer({ cert: props.tls.cert, key: props.tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(props, req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`,
    close: () => closeServer(server),
  };
}

function answer(props: TestTokenEndpointProps, req: IncomingMessage, body: string, res: ServerResponse): void {
  if (req.method !== 'POST' || req.url !== '/oauth2/token') return reply(res, 404, { error: 'not_found' });
  if (req.headers.authorization !== basic(props.clientId, props.clientSecret)) {
    return reply(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' });
  }
  const form = new URLSearchParams(body);
  if (form.get('grant_type') !== 'client_credentials') return reply(res, 400, { error: 'unsupported_grant_type' });
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.some((scope) => !props.allowedScopes.includes(scope))) return reply(res, 400, { error: 'invalid_scope' });
  const scopes = requested.length > 0 ? requested : [...props.allowedScopes];
  // Cognito's client-credentials tokens name the client as the subject.
  const token = props.cognito.mint(scopes, { client_id: props.clientId, sub: props.clientId });
  reply(res, 200, { access_token: token, expires_in: 600, token_type: 'Bearer' });
}

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
