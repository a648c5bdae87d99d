import { PeerCertificate } from 'node:tls';

const URI_SAN = /(?:^|, )URI:([^,]+)/g;

/**
 * The SPIFFE id in a certificate's URI SAN. A SPIFFE X.509 SVID carries exactly one URI SAN, so a certificate
 * with none, several, or a non-`spiffe://` URI has no identity.
 */
export function spiffeIdOf(cert: PeerCertificate | undefined): string | undefined {
  const uris = [...(cert?.subjectaltname ?? '').matchAll(URI_SAN)].map((m) => m[1]);
  return uris.length === 1 && uris[0].startsWith('spiffe://') ? uris[0] : undefined;
}
