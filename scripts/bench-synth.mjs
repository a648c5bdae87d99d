// Whole-process synth time of the reference environment, median of several runs, three ways in one run:
// the CLI as configured in cdk.json (esbuild transpile + app), the app alone through the same esbuild runner,
// and plain `node` on tsc-compiled JS. Ratios compare within this run; absolute seconds vary by machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const context = JSON.stringify(JSON.parse(readFileSync('cdk.json', 'utf8')).context);
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' };

function time(label, command, args, extraEnv = {}) {
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
    const started = process.hrtime.bigint();
    execFileSync(command, args(outdir), { env: { ...env, ...extraEnv(outdir) }, stdio: ['ignore', 'ignore', 'inherit'] });
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    rmSync(outdir, { recursive: true, force: true });
  }
  seconds.sort((a, b) => a - b);
  return { label, median: seconds[Math.floor(seconds.length / 2)], runs: seconds };
}

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
const appEnv = (outdir) => ({ CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: context });
const results = [
  time('cdk synth (CLI, cdk.json app: esbuild runner)', 'npx', (o) => ['cdk', 'synth', '--quiet', '-o', o], () => ({})),
  time('node scripts/run-ts.mjs bin/platform.ts (esbuild runner, no CLI)', 'node', () => ['scripts/run-ts.mjs', 'bin/platform.ts'], appEnv),
  time('node dist/bin/platform.js (tsc-compiled JS)', 'node', () => ['dist/bin/platform.js'], appEnv),
];
const base = results[2].median;
console.log(`\nSynth of the reference environment, median of ${runs} runs (${new Date().toISOString().slice(0, 10)}):`);
console.log('| path | median s | x compiled JS |\n|---|---|---|');
for (const r of results) console.log(`| ${r.label} | ${r.median.toFixed(2)} | ${(r.median / base).toFixed(2)} |`);
