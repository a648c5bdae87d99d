import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * scripts/run-ts.mjs (cdk.json's app command) reuses its bundle while every file it was built from has the same
 * content: an unchanged re-synth skips esbuild, and any changed, added or removed import is rebuilt.
 */
const ROOT = path.join(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-ts-'));
const name = `run-ts-probe-${process.pid}`;
const entry = path.join(dir, `${name}.ts`);
const bundle = path.join(ROOT, 'dist', 'run', `${name}.js`);
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const file of [bundle, `${bundle}.inputs.json`]) fs.rmSync(file, { force: true });
});

const run = () => execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.mjs'), entry], { encoding: 'utf8' }).trim();
const builtAt = () => fs.statSync(bundle).mtimeMs;

test('the bundle is reused while its inputs are unchanged, and rebuilt when one changes', () => {
  fs.writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting: string = 'hello';\n");
  fs.writeFileSync(entry, "import { greeting } from './greeting';\nconsole.log(greeting);\n");
  expect(run()).toBe('hello');
  const first = builtAt();
  expect(run()).toBe('hello');
  expect(builtAt()).toBe(first);

  fs.writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting: string = 'changed';\n");
  expect(run()).toBe('changed');
  expect(builtAt()).toBeGreaterThan(first);
});

test('a removed input is a rebuild, which reports the missing import', () => {
  fs.writeFileSync(path.join(dir, 'greeting.ts'), "export const greeting: string = 'hello';\n");
  fs.writeFileSync(entry, "import { greeting } from './greeting';\nconsole.log(greeting);\n");
  expect(run()).toBe('hello');
  fs.rmSync(path.join(dir, 'greeting.ts'));
  expect(() => execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.mjs'), entry], { stdio: 'pipe' })).toThrow(
    /Could not resolve "\.\/greeting"/,
  );
});
