import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

// The files a service reads are named by its pod's environment (mounted certificate secrets, a JWKS file), set by
// the charts or the operator; no request ever names a path. These two functions are the only file reads, so that
// fact is stated, and linted, in one place.

/** A file named by the service's configuration, read at start-up. */
export function readOperatorFileSync(path: string): string {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a configured path, never request input
  return readFileSync(path, 'utf8');
}

/** A file named by the service's configuration, re-read while running (certificate rotation). */
export function readOperatorFile(path: string): Promise<Buffer> {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- a configured path, never request input
  return readFile(path);
}

/**
 * A file named by the service's configuration, read and parsed at start-up (a bad file stops it), then re-read every
 * `intervalMs`, so a rotated value (a Secrets Store CSI driver mount, a cert-manager secret) is used without a
 * restart. Polling rather than fs.watch follows the `..data` symlink swap both use; a new text that `parse` rejects,
 * or a failed read (a rotation half done), keeps the current value until a later tick. A request in flight keeps the
 * value it read; the next one gets the new value.
 */
export class ReloadingOperatorFile<T> {
  private text: string;
  private value: T;
  private readonly timer: NodeJS.Timeout;
  private readonly refusedListeners: ((reason: string) => void)[] = [];
  private readonly changeListeners: ((value: T) => void)[] = [];

  constructor(
    readonly path: string,
    intervalMs: number,
    private readonly parse: (text: string) => T,
  ) {
    this.text = readOperatorFileSync(path);
    this.value = parse(this.text);
    this.timer = setInterval(() => void this.reload(), intervalMs).unref();
  }

  get current(): T {
    return this.value;
  }

  /** Told each new value, once `current` returns it. */
  onChange(listener: (value: T) => void): void {
    this.changeListeners.push(listener);
  }

  /** Told why a re-read was refused and the current value kept (the reason must never quote the file). */
  onRefused(listener: (reason: string) => void): void {
    this.refusedListeners.push(listener);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async reload(): Promise<void> {
    try {
      const text = (await readOperatorFile(this.path)).toString('utf8');
      if (text === this.text) return;
      this.value = this.parse(text);
      this.text = text;
    } catch (err) {
      this.refusedListeners.forEach((listener) => listener((err as Error).message));
      return;
    }
    this.changeListeners.forEach((listener) => listener(this.value));
  }
}
