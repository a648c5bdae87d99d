import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { TlsFilePaths } from '../config/shared-config';
import { Logger } from '../log';

/** A workload's certificate chain, private key and the platform CA bundle, as PEM text. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/**
 * Holds the current TLS material and re-reads the cert-manager files every `intervalMs`, so a rotated certificate is
 * picked up without a restart. Polling (rather than fs.watch) follows the `..data` symlink swap Kubernetes uses for
 * secret volumes. A half-written rotation (key and certificate not matching yet) is skipped and retried next tick.
 */
export class ReloadingTlsMaterial {
  private material: TlsMaterial;
  private readonly listeners: ((material: TlsMaterial) => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly paths: TlsFilePaths, intervalMs: number, private readonly logger: Logger) {
    this.material = {
      cert: readFileSync(paths.certFile, 'utf8'),
      key: readFileSync(paths.keyFile, 'utf8'),
      ca: readFileSync(paths.caFile, 'utf8'),
    };
    createSecureContext(this.material);
    this.timer = setInterval(() => void this.reload(), intervalMs).unref();
  }

  get current(): TlsMaterial {
    return this.material;
  }

  onChange(listener: (material: TlsMaterial) => void): void {
    this.listeners.push(listener);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async reload(): Promise<void> {
    try {
      const [cert, key, ca] = await Promise.all(
        [this.paths.certFile, this.paths.keyFile, this.paths.caFile].map((file) => readFile(file, 'utf8')));
      if (cert === this.material.cert && key === this.material.key && ca === this.material.ca) return;
      const next = { cert, key, ca };
      createSecureContext(next);
      this.material = next;
      this.listeners.forEach((listener) => listener(next));
      this.logger.info('tls material reloaded');
    } catch (err) {
      this.logger.warn('tls material not reloaded, keeping the current one', { reason: (err as Error).message });
    }
  }
}
