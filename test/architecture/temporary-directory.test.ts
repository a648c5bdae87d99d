import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import globalSetup from '../global-setup';
import globalTeardown from '../global-teardown';
import { RUN_DIRECTORY_VARIABLE, SYNTH_CACHE_VARIABLE, TEMP_DIRECTORY_VARIABLES } from '../support/synth-cache';

// Test apps, cdk8s and the gate caches make temporary directories that no suite removes (a run used to leave about
// a thousand in /tmp); global setup makes one directory per run the temporary directory, and teardown removes it.

test('a suite runs with the per-run directory as its temporary directory', () => {
  const runDirectory = process.env[RUN_DIRECTORY_VARIABLE];
  expect(runDirectory).toBeDefined();
  expect(os.tmpdir()).toBe(runDirectory);
  expect(path.dirname(process.env[SYNTH_CACHE_VARIABLE] ?? '')).toBe(runDirectory);
});

test('global teardown removes the run directory with whatever was left in it', () => {
  const variables = [RUN_DIRECTORY_VARIABLE, SYNTH_CACHE_VARIABLE, ...TEMP_DIRECTORY_VARIABLES];
  const saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
  try {
    globalSetup();
    const runDirectory = process.env[RUN_DIRECTORY_VARIABLE] ?? '';
    // (jest gives a suite its own copy of process.env, so os.tmpdir() here still reads the outer run's.)
    const leftover = fs.mkdtempSync(path.join(runDirectory, 'cdk.out'));
    fs.writeFileSync(path.join(leftover, 'manifest.json'), '{}');
    globalTeardown();
    expect(fs.existsSync(runDirectory)).toBe(false);
  } finally {
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});
