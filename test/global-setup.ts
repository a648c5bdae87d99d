import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SYNTH_CACHE_VARIABLE } from './support/synth-cache';

/**
 * One directory per jest run for the configurations suites share (test/support/synthesized-configurations.ts).
 * Workers start after this and inherit the variable; nothing is synthesized here, so a run of one unrelated
 * file pays nothing.
 */
export default function globalSetup(): void {
  process.env[SYNTH_CACHE_VARIABLE] = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-test-synth-'));
}
