// `npm test`: type-check, lint, build the service bundles, run jest. The type-check is TypeScript 7's native compiler
// (the `typescript-7` package; ts-jest and typescript-eslint need the JavaScript API of TypeScript 5.9, which stays
// `typescript`): the same errors over the same files as 5.9's tsc, for about a third of its CPU (most of 5.9's went
// to parsing aws-cdk-lib's declarations). It runs beside the build and jest instead of before them: on two cores the
// whole run then takes about the CPU time divided by two, not tsc's time plus jest's. Lint (ESLint, then Prettier's
// check) runs beside them the same way. The run fails if any fails; tsc's and lint's messages follow jest's report. Extra arguments go to jest (`npm test -- test/edge`).
// --incremental keeps what it learnt in dist/ (git-ignored), so a repeat run skips checking unchanged files.
// A whole run (no files or tests chosen) runs the suites grouped by directory (scripts/jest-groups.cjs).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runsWholeSuite, writeJestGroups } from './jest-groups.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
/** A package's command-line script, found through its package.json (some packages do not export their bin files). */
const bin = (name, file) => join(dirname(require.resolve(`${name}/package.json`)), file);

/** Runs a node script from the project root; resolves with its exit code and, when `capture`, its output. */
function run(script, args, { capture = false, env = process.env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, env, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) {
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
    }
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const typecheck = run(
  bin('typescript-7', 'bin/tsc'),
  ['--noEmit', '--incremental', '--tsBuildInfoFile', join(root, 'dist', 'typecheck.tsbuildinfo')],
  { capture: true },
);

// Both keep a cache in dist/ keyed by file contents (and their own configuration and version), so a repeat run
// re-lints only the files that changed: about 25 s of CPU on a fresh clone, about 2 s after.
const lintCache = (name) => ['--cache', '--cache-location', join(root, 'dist', name), '--cache-strategy', 'content'];
const lint = run(bin('eslint', 'bin/eslint.js'), ['.', '--max-warnings', '0', ...lintCache('eslintcache')], {
  capture: true,
}).then(async (eslint) => {
  const prettier = await run(bin('prettier', 'bin/prettier.cjs'), ['--check', '.', '--log-level', 'warn', ...lintCache('prettiercache')], {
    capture: true,
  });
  return { code: eslint.code || prettier.code, output: eslint.output + prettier.output };
});

const jestArgs = process.argv.slice(2);
let groupedConfig = [];
if (runsWholeSuite(jestArgs)) {
  try {
    groupedConfig = ['--config', writeJestGroups(root, join(root, 'dist', 'jest-groups'))];
  } catch (error) {
    console.error(`npm test: ${error.message}`);
    process.exit(1);
  }
}
const build = await run(join(root, 'scripts', 'build-services.mjs'), []);
// Synthesis makes many short-lived objects: a larger young generation (64 MB semi-spaces; V8's default is 16) spends
// about a tenth less CPU on garbage collection across the run.
const jestEnv = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=64`.trim() };
const tests = build.code === 0 ? await run(bin('jest', 'bin/jest.js'), [...groupedConfig, ...jestArgs], { env: jestEnv }) : { code: 0 };
const tsc = await typecheck;
const linted = await lint;

if (tsc.code !== 0) process.stdout.write(`\ntsc --noEmit failed:\n${tsc.output}`);
else console.log('tsc --noEmit: no errors');
if (linted.code !== 0) process.stdout.write(`\nlint failed (npm run format fixes formatting):\n${linted.output}`);
else console.log('lint: no problems');
process.exit(tsc.code || linted.code || build.code || tests.code);
