import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..', '..', '..');
const STARTUP_TIMEOUT_MS = 10_000;

export type BundleName = 'edge' | 'orders' | 'inventory';

export interface RunningBundle {
  readonly port: number;
  /** Every line the bundle has logged so far, parsed, in order. */
  readonly logs: readonly Record<string, unknown>[];
  /** SIGKILL, then waits for the exit: a stopped service, as when its pods are gone. */
  stop(): Promise<void>;
  /** SIGTERM, as the kubelet sends a pod being replaced; resolves with the exit code once the process and its output end. */
  terminate(): Promise<number | null>;
}

/** Where `npm run build:services` writes a service's bundle. */
export function bundlePath(name: BundleName): string {
  return join(ROOT, 'dist', 'services', name, 'index.js');
}

/** The newest modification time among the non-test TypeScript sources under `dir`. */
function newestSource(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.includes('test'))
    .reduce((newest, file) => Math.max(newest, statSync(join(dir, file)).mtimeMs), 0);
}

/** `npm test` builds the bundles before jest; a jest run alone must not silently test old ones. */
export function assertBundlesAreFresh(names: readonly BundleName[]): void {
  const fix = 'run npm run build:services (npm test does it before jest)';
  const sources = Math.max(newestSource(join(ROOT, 'services')), newestSource(join(ROOT, 'lib', 'catalogue')));
  for (const bundle of names.map(bundlePath)) {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: ${fix}`);
    if (statSync(bundle).mtimeMs < sources) throw new Error(`${bundle} is older than its sources: ${fix}`);
  }
}

/** Starts a built service bundle with `env` and resolves with its port once it logs "listening". */
export function startBundle(name: BundleName, env: NodeJS.ProcessEnv): Promise<RunningBundle> {
  const child = spawn(process.execPath, ['--enable-source-maps', bundlePath(name)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const logs: Record<string, unknown>[] = [];
  const stop = () => stopChild(child);
  const terminate = () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
    // 'close', not 'exit': by then every line the process wrote is in `logs`.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise<RunningBundle>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not log "listening" within ${STARTUP_TIMEOUT_MS} ms: ${stderr}`));
    }, STARTUP_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      logs.push(entry);
      if (entry.msg !== 'listening') return;
      clearTimeout(timer);
      resolve({ port: entry.port!, logs, stop, terminate });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}
