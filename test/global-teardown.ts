import * as fs from 'fs';
import { SYNTH_CACHE_VARIABLE } from './support/synth-cache';

/** Removes the run's shared synthesis directory (test/global-setup.ts). */
export default function globalTeardown(): void {
  const directory = process.env[SYNTH_CACHE_VARIABLE];
  if (directory) fs.rmSync(directory, { recursive: true, force: true });
}
