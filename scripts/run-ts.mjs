// Runs a TypeScript entry point: bundle it with esbuild (our code only; dependencies stay in node_modules) and
// require the bundle. Transpile-only, ~0.2 s, where ts-node with type-checking costs ~10 s per run;
// `npm test` type-checks once with `tsc --noEmit` (TypeScript 7). Used by cdk.json's app command and `npm run report`.
// The bundle is reused while every file it was built from has the same content (and esbuild, tsconfig.json and these
// options are the same), so an unchanged re-synth does not start esbuild at all.
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const load = createRequire(import.meta.url);
const outfile = path.join(root, 'dist', 'run', `${path.basename(entry, '.ts')}.js`);
const inputsFile = `${outfile}.inputs.json`;
const options = {
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'error',
};

/** A hash of the options, esbuild's version, tsconfig.json (esbuild reads it) and the inputs' contents; undefined when an input is gone. */
function buildKey(inputs) {
  const hash = createHash('sha256')
    .update(JSON.stringify(options))
    .update(readFileSync(load.resolve('esbuild/package.json')))
    .update(readFileSync(path.join(root, 'tsconfig.json')));
  for (const input of inputs) {
    const file = path.resolve(root, input);
    if (!existsSync(file)) return undefined;
    hash.update(`\0${input}\0`).update(readFileSync(file));
  }
  return hash.digest('hex');
}

const previous = existsSync(inputsFile) && existsSync(outfile) ? JSON.parse(readFileSync(inputsFile, 'utf8')) : undefined;
if (!previous || buildKey(previous.inputs) !== previous.key) {
  const { buildSync } = await import('esbuild');
  // Written aside and renamed into place: another process (a jest worker, a second synth) may be loading them.
  const aside = `.${process.pid}`;
  const inputs = Object.keys(
    buildSync({ ...options, outfile: outfile + aside, absWorkingDir: root, metafile: true }).metafile.inputs,
  ).sort();
  writeFileSync(inputsFile + aside, JSON.stringify({ inputs, key: buildKey(inputs) }));
  renameSync(outfile + aside, outfile);
  renameSync(inputsFile + aside, inputsFile);
}
process.argv.splice(1, 2, outfile);
load(outfile);
