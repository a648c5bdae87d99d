import { HttpOutcome, SmokeHttpClient } from './http-client';

export interface ClientCredentials {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TokenResponse {
  readonly outcome: HttpOutcome;
  /** Set only when the endpoint answered 200 with an access token. */
  readonly accessToken?: string;
  /** The OAuth `error` code of a refusal (`invalid_client`, `invalid_scope`, …), to explain it. */
  readonly oauthError?: string;
}

/**
 * A client-credentials grant (RFC 6749 §4.4) as Cognito's token endpoint takes it: the client authenticates with
 * HTTP Basic, and `scope` lists the scopes wanted (Cognito would grant all of the client's scopes without it).
 */
export async function requestAccessToken(
  http: SmokeHttpClient,
  client: ClientCredentials,
  scopes: readonly string[],
): Promise<TokenResponse> {
  const outcome = await http.send({
    method: 'POST',
    url: client.tokenUrl,
    headers: {
      // As `curl -u id:secret` sends it; Cognito ids and secrets need no form-encoding.
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }).toString(),
  });
  if (!('status' in outcome)) return { outcome };
  const json = parseJson(outcome.body);
  const accessToken = outcome.status === 200 && typeof json.access_token === 'string' ? json.access_token : undefined;
  const oauthError = typeof json.error === 'string' ? json.error : undefined;
  return { outcome, accessToken, oauthError };
}

/** The reply as an object; anything else (an HTML error page, a proxy's text) as an empty one. */
function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
