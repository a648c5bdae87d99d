// Runs a TypeScript entry point: bundle it with esbuild (our code only; dependencies stay in node_modules) and
// require the bundle. Transpile-only, ~0.2 s, where ts-node with type-checking costs ~10 s per run;
// `npm test` type-checks once with `tsc --noEmit`. Used by cdk.json's app command and `npm run report`.
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outfile = path.join(root, 'dist', 'run', `${path.basename(entry, '.ts')}.js`);
buildSync({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'error',
});
process.argv.splice(1, 2, outfile);
createRequire(import.meta.url)(outfile);
