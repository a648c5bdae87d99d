import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * How `npm test` groups suites into shared module registries (scripts/jest-groups.cjs, on a made-up tree). What must
 * not change: suites that need their own registry keep it, a focused test or a suite that fails to load cannot hide
 * other suites, and chosen files or tests run one registry each.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of scripts/ without types
const jestGroups: Record<string, (...args: any[]) => any> = require('../../scripts/jest-groups.cjs');
const created: string[] = [];
afterAll(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Calls one export of the module; its answer, or the message it threw. */
function call(name: string, ...args: unknown[]): { value?: any; error?: string } {
  try {
    return { value: jestGroups[name](...args) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** A project with these suites (path → source) and a jest.config.js, in a folder whose name a glob would misread. */
function project(suites: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-groups (copy) [1]-'));
  created.push(root);
  fs.writeFileSync(
    path.join(root, 'jest.config.js'),
    "module.exports = { roots: ['<rootDir>/test', '<rootDir>/services'], testMatch: ['**/*.test.ts'] };",
  );
  fs.mkdirSync(path.join(root, 'services'));
  for (const [file, source] of Object.entries(suites)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), source);
  }
  return root;
}

function groups(root: string) {
  const { value: config, error } = call('writeJestGroups', root, path.join(root, 'dist', 'jest-groups'));
  if (error) return { error };
  const testRegex: string[] = JSON.parse(/testRegex: (\[.*\]) \};/.exec(fs.readFileSync(config, 'utf8'))![1]);
  const entries = fs.readdirSync(path.dirname(config)).filter((name) => name.endsWith('.test.js'));
  const read = (name: string) => fs.readFileSync(path.join(path.dirname(config), name), 'utf8');
  const runs = (file: string) => testRegex.some((pattern) => new RegExp(pattern).test(file));
  return { entries, read, runs, dir: path.dirname(config) };
}

const PLAIN = "test('adds', () => expect(1 + 1).toBe(2));\n";

test('a directory of suites becomes one entry; each suite inside a describe of its path, a load failure its own test', () => {
  const root = project({ 'test/edge/a.test.ts': PLAIN, 'test/edge/b.test.ts': PLAIN, 'test/data/c.test.ts': PLAIN });
  const { entries, read, runs, dir } = groups(root) as any;
  expect(entries.sort()).toEqual(['test-data.test.js', 'test-edge.test.js']);
  const edge = read('test-edge.test.js');
  expect(edge).toContain('describe("test/edge/a.test.ts"');
  expect(edge).toContain(`require(${JSON.stringify(path.join(root, 'test/edge/b.test.ts'))})`);
  expect(edge).toMatch(/catch \(error\) \{\s*test\('loads'/);
  // The generated patterns match the entry files although the folder holds (, [ and a space.
  expect(runs(path.join(dir, 'test-edge.test.js'))).toBe(true);
  expect(runs(path.join(root, 'test/edge/a.test.ts'))).toBe(false);
});

test.each([
  ['toMatchSnapshot', "test('s', () => expect(1).toMatchSnapshot());"],
  ['toThrowErrorMatchingSnapshot', "test('s', () => expect(() => { throw new Error('x'); }).toThrowErrorMatchingSnapshot());"],
  ['jest.mock', "jest.mock('fs');\n" + PLAIN],
  ['jest.isolateModules', 'jest.isolateModules(() => undefined);\n' + PLAIN],
])('a suite using %s keeps its own registry', (_name, source) => {
  const root = project({ 'test/edge/own.test.ts': source, 'test/edge/shared.test.ts': PLAIN });
  const { read, runs } = groups(root) as any;
  expect(runs(path.join(root, 'test/edge/own.test.ts'))).toBe(true);
  expect(read('test-edge.test.js')).not.toContain('own.test.ts');
});

test('a test-group line puts a suite in the named group', () => {
  const root = project({
    'test/compliance/gate.test.ts': `// test-group: compliance-gate\n${PLAIN}`,
    'test/compliance/other.test.ts': PLAIN,
  });
  const { entries, read } = groups(root) as any;
  expect(entries.sort()).toEqual(['compliance-gate.test.js', 'test-compliance.test.js']);
  expect(read('compliance-gate.test.js')).toContain('gate.test.ts');
});

test.each(["test.only('x', () => undefined);", "describe.only('x', () => undefined);", "fit('x', () => undefined);"])(
  'a focused test (%s) stops a whole run, naming the file and the fix',
  (focused) => {
    const root = project({ 'test/edge/focused.test.ts': `${focused}\n${PLAIN}`, 'test/edge/other.test.ts': PLAIN });
    expect(groups(root).error).toBe(
      'a focused test (.only, fit, fdescribe) in test/edge/focused.test.ts would skip the rest of the suite: remove it, or run that file alone (npm test -- <file>)',
    );
  },
);

test.each<[string[], boolean]>([
  [[], true],
  [['--ci', '-u', '--outputFile=report.json'], true],
  [['test/edge'], false],
  [['-t', 'name'], false],
  [['--testNamePattern=name'], false],
  [['--testPathPattern=edge'], false],
  [['--onlyChanged'], false],
  // An option's value given as its own word reads as a chosen file: one registry per file, slower but the same tests.
  [['-w', '1'], false],
])('jest arguments %j run the whole suite grouped: %s', (args, whole) => {
  expect(call('runsWholeSuite', args).value).toBe(whole);
});
