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
