import * as fs from 'fs';
import { RUN_DIRECTORY_VARIABLE } from './support/synth-cache';

/** Removes the run's temporary directory, the shared synthesis with it (test/global-setup.ts). */
export default function globalTeardown(): void {
  const directory = process.env[RUN_DIRECTORY_VARIABLE];
  if (directory) fs.rmSync(directory, { recursive: true, force: true });
}
