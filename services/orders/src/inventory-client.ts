import { Principal } from '../../shared/src/auth/verified-token-cache';
import { HttpError } from '../../shared/src/http/http-error';
import { PeerClient } from '../../shared/src/peer/peer-client';

/** What orders needs from inventory, called on behalf of the orders caller (its bearer token is forwarded). */
export class InventoryClient {
  constructor(private readonly peer: PeerClient) {}

  /** @returns the units in stock, or undefined for an unknown sku */
  async stockOf(sku: string, principal: Principal, requestId: string): Promise<number | undefined> {
    const { status, body: bytes } = await this.peer.get(`/inventory/${encodeURIComponent(sku)}`, {
      authorization: `Bearer ${principal.token}`,
      'x-request-id': requestId,
    });
    const body = JSON.parse(bytes.toString('utf8')) as unknown;
    if (status === 200) return (body as { quantity: number }).quantity;
    if (status === 404) return undefined;
    // The caller's token is what inventory judged, so its verdict is the caller's answer.
    if (status === 401 || status === 403) throw new HttpError(status, `inventory refused the token: ${(body as { error?: string }).error}`);
    throw new HttpError(502, `inventory answered ${status}`);
  }
}
