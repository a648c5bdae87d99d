// Synth time of the reference environment, this tree against an earlier commit, in one paired run: `cdk synth`
// (the CLI, the compliance gate included) alternately on the baseline and on this tree, then an unchanged re-synth
// of this tree (its gate cache warm). Each figure is a median over the rounds; each ratio is taken within a round,
// against the baseline measured moments before, so load from other processes skews one round, not one side.
// Usage: npm run bench [-- <baseline commit>]   (BENCH_RUNS overrides the number of rounds, default 3)
// The baseline runs from a temporary git worktree with this tree's node_modules.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The last commit before issue 13's synth work: the reference the issue's targets are stated against. */
const DEFAULT_BASELINE = 'e1ec94a';
const baseline = process.argv[2] ?? DEFAULT_BASELINE;
const rounds = Number(process.env.BENCH_RUNS ?? 3);
const root = process.cwd();
const cacheDir = path.join(root, 'node_modules', '.cache', 'platform-gate');
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' };

/** Wall and CPU (user + system, the process and its children) seconds of one `cdk synth` in `dir`. */
function synth(dir) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
  const timing = path.join(outdir, 'time.txt');
  execFileSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, 'npx', 'cdk', 'synth', '--quiet', '-o', path.join(outdir, 'cdk.out')], {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const [wall, user, system] = readFileSync(timing, 'utf8').trim().split(/\s+/).map(Number);
  rmSync(outdir, { recursive: true, force: true });
  return { wall, cpu: user + system };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const worktree = path.join(mkdtempSync(path.join(tmpdir(), 'bench-baseline-')), 'tree');
execFileSync('git', ['worktree', 'add', '--detach', worktree, baseline], { stdio: 'ignore' });
try {
  symlinkSync(path.join(root, 'node_modules'), path.join(worktree, 'node_modules'));
  const rows = { baseline: [], cold: [], warm: [] };
  for (let round = 0; round < rounds; round++) {
    rows.baseline.push(synth(worktree));
    if (existsSync(cacheDir)) rmSync(cacheDir, { recursive: true });
    rows.cold.push(synth(root));
    rows.warm.push(synth(root));
  }
  const ratio = (row, field) => median(rows[row].map((run, i) => run[field] / rows.baseline[i][field]));
  console.log(
    `\nSynth of the reference environment (cdk synth, gate included), median of ${rounds} paired rounds, ` +
      `baseline ${baseline}, ${new Date().toISOString().slice(0, 10)}:`,
  );
  console.log('| run | wall s | CPU s | wall × baseline | CPU × baseline |\n| --- | ---: | ---: | ---: | ---: |');
  const line = (label, row) =>
    console.log(
      `| ${label} | ${median(rows[row].map((r) => r.wall)).toFixed(2)} | ` +
        `${median(rows[row].map((r) => r.cpu)).toFixed(2)} | ${row === 'baseline' ? '1.00' : ratio(row, 'wall').toFixed(2)} | ` +
        `${row === 'baseline' ? '1.00' : ratio(row, 'cpu').toFixed(2)} |`,
    );
  line(`baseline (${baseline})`, 'baseline');
  line('this tree, first synth (gate cache empty)', 'cold');
  line('this tree, unchanged re-synth (gate cache warm)', 'warm');
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { stdio: 'ignore' });
}
