import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RUN_DIRECTORY_VARIABLE, SYNTH_CACHE_VARIABLE, TEMP_DIRECTORY_VARIABLES } from './support/synth-cache';

/**
 * One temporary directory per jest run, removed whole by global teardown: the workers (started after this) and the
 * processes they start inherit it as their temporary directory, so every directory a suite or a library makes there
 * (each test App's cdk.out, cdk8s's output, the gate caches) goes with the run instead of piling up in /tmp.
 * Inside it, the directory where suites share each supported configuration's synthesis
 * (test/support/synthesized-configurations.ts). Nothing is synthesized here, so a run of one unrelated file pays nothing.
 */
export default function globalSetup(): void {
  const runDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-test-run-'));
  process.env[RUN_DIRECTORY_VARIABLE] = runDirectory;
  for (const variable of TEMP_DIRECTORY_VARIABLES) process.env[variable] = runDirectory;
  process.env[SYNTH_CACHE_VARIABLE] = fs.mkdtempSync(path.join(runDirectory, 'synth-'));
}
