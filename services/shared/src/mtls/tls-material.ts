import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { readOperatorFile, readOperatorFileSync } from '../config/operator-files';
import { TlsFilePaths } from '../config/shared-config';
import { Logger } from '../log';

/** A workload's certificate chain, private key and the platform CA bundle, as PEM text. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/**
 * Files of a certificate that is only presented, never used to verify peers: without `caFile`, as an ACME
 * issuer's secret often has no `ca.crt`.
 */
export type ServerTlsFilePaths = Omit<TlsFilePaths, 'caFile'> & { readonly caFile?: string };

/** The material read from ServerTlsFilePaths: the CA bundle only if a file was named. */
export type ServerTlsMaterial = Omit<TlsMaterial, 'ca'> & { readonly ca?: string };

/** What the paths yield: a CA bundle exactly when a CA file is required, so mTLS users keep a typed `ca`. */
type MaterialOf<P extends ServerTlsFilePaths> = P extends TlsFilePaths ? TlsMaterial : ServerTlsMaterial;

// A block begins at the start of a line, as OpenSSL reads PEM: two files glued without a line break between them are
// one certificate to the handshake, so they must be one here too.
const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/gm;

/** Each certificate of a PEM bundle, in order; throws on a block that is not a certificate. */
export function parseCertificates(pem: string): X509Certificate[] {
  // A byte-order mark before the first block: OpenSSL reads past it, and so must this.
  return (pem.replace(/^\uFEFF/, '').match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
}

/**
 * Holds the current TLS material and re-reads the cert-manager files every `intervalMs`, so a rotated certificate is
 * picked up without a restart. Polling (rather than fs.watch) follows the `..data` symlink swap Kubernetes uses for
 * secret volumes. A half-written rotation (key and certificate not matching yet) is skipped and retried next tick.
 */
export class ReloadingTlsMaterial<P extends ServerTlsFilePaths = TlsFilePaths> {
  private material: MaterialOf<P>;
  private anchors: readonly X509Certificate[];
  private readonly listeners: ((material: MaterialOf<P>) => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  /** @param intervalMs how often the files are re-read; also how soon live connections learn of a change (live-trust.ts). */
  constructor(
    private readonly paths: P,
    readonly intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.material = this.withCa(
      readOperatorFileSync(paths.certFile),
      readOperatorFileSync(paths.keyFile),
      paths.caFile === undefined ? undefined : readOperatorFileSync(paths.caFile),
    );
    this.anchors = checkedBundle(this.material);
    this.timer = setInterval(() => void this.reload(), intervalMs).unref();
  }

  get current(): MaterialOf<P> {
    return this.material;
  }

  /**
   * The certificates of the current CA bundle (none without a CA file), parsed once per reload so that trust checks
   * of live connections never parse PEM; already updated when `onChange` listeners run.
   */
  get trustAnchors(): readonly X509Certificate[] {
    return this.anchors;
  }

  onChange(listener: (material: MaterialOf<P>) => void): void {
    this.listeners.push(listener);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async reload(): Promise<void> {
    try {
      const { certFile, keyFile, caFile } = this.paths;
      const [cert, key, ca] = await Promise.all([
        readText(certFile),
        readText(keyFile),
        caFile === undefined ? undefined : readText(caFile),
      ]);
      if (cert === this.material.cert && key === this.material.key && ca === this.material.ca) return;
      const next = this.withCa(cert, key, ca);
      const anchors = checkedBundle(next);
      this.material = next;
      this.anchors = anchors;
      this.listeners.forEach((listener) => listener(next));
      this.logger.info('tls material reloaded');
    } catch (err) {
      this.logger.warn('tls material not reloaded, keeping the current one', { reason: (err as Error).message });
    }
  }

  /** `ca` is read exactly when `P` names a CA file, which is what MaterialOf<P> states; TypeScript cannot follow that. */
  private withCa(cert: string, key: string, ca: string | undefined): MaterialOf<P> {
    return (ca === undefined ? { cert, key } : { cert, key, ca }) as MaterialOf<P>;
  }
}

/**
 * The CA bundle's certificates, once the material is known to be usable as a whole; throws otherwise: a key that is
 * not the certificate's (OpenSSL's own check misses one of another algorithm, which it files in another slot), or a
 * CA file without a certificate (every peer would be refused, and Node would fall back to its public roots). Both are
 * what a rotation read half-way through looks like.
 */
function checkedBundle(material: ServerTlsMaterial): X509Certificate[] {
  createSecureContext(material);
  if (!new X509Certificate(material.cert).checkPrivateKey(createPrivateKey(material.key))) {
    throw new Error("the private key is not the certificate's");
  }
  const bundle = parseCertificates(material.ca ?? '');
  if (material.ca !== undefined && bundle.length === 0) throw new Error('the CA file holds no certificate');
  return bundle;
}

async function readText(path: string): Promise<string> {
  return (await readOperatorFile(path)).toString('utf8');
}
