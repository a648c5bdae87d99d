import * as fs from 'fs';
import * as path from 'path';
import { CONTROL_AREAS, CONTROLS, ControlCategory } from '../../lib/compliance/controls';

const ROOT = path.join(__dirname, '..', '..');
const CATEGORIES: readonly ControlCategory[] = [
  'network',
  'identity',
  'cluster',
  'workload',
  'resilience',
  'data',
  'edge',
  'detection',
  'supply-chain',
];

/** A JavaScript string literal's text: the quotes dropped and escapes undone (`\'` → `'`, `\\` → `\`). */
const unquote = (literal: string) => literal.slice(1, -1).replace(/\\(.)/g, '$1');
const STRING = String.raw`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|` + '`(?:[^`\\\\]|\\\\.)*`';

/**
 * The names of the tests a file declares: `test('…'` and `it('…'`; for `test.each(…)('… %s …'`, the template itself and
 * the template filled from every array row of the file whose leading elements are string literals (the usual table
 * form). Reads the source rather than running jest, so the check stays fast.
 */
export function testNames(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(new RegExp(String.raw`\b(?:test|it)\s*\(\s*(${STRING})`, 'g'))) names.push(unquote(match[1]));
  const templates = [...source.matchAll(new RegExp(String.raw`\b(?:test|it)\.each[\s\S]*?\)\s*\(\s*(${STRING})`, 'g'))].map((m) =>
    unquote(m[1]),
  );
  const rows = [...source.matchAll(new RegExp(String.raw`\[\s*((?:(?:${STRING})\s*,\s*)*(?:${STRING}))\s*[,\]]`, 'g'))].map((m) =>
    [...m[1].matchAll(new RegExp(STRING, 'g'))].map((s) => unquote(s[0])),
  );
  for (const template of templates) {
    names.push(template);
    for (const row of rows) {
      let i = 0;
      names.push(template.replace(/%s/g, () => row[i++] ?? '%s'));
    }
  }
  return names;
}

test('control ids are unique', () => {
  const ids = CONTROLS.map((c) => c.id);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
});

test('the registry lists controls area by area, in CONTROL_AREAS order', () => {
  const areas = CONTROLS.map((c) => CONTROL_AREAS.findIndex((a) => a.category === c.category));
  expect(areas).toEqual([...areas].sort((a, b) => a - b));
});

test('every area has controls', () => {
  expect(CATEGORIES.filter((category) => !CONTROLS.some((c) => c.category === category))).toEqual([]);
  expect(CONTROLS.filter((c) => !CATEGORIES.includes(c.category)).map((c) => c.id)).toEqual([]);
});

test('every control names NIST 800-53 R5 ids; cluster and workload controls name CIS EKS ids', () => {
  expect(
    CONTROLS.filter((c) => c.nist.length === 0 || !c.nist.every((id) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(id))).map((c) => c.id),
  ).toEqual([]);
  expect(
    CONTROLS.filter((c) => (c.category === 'cluster' || c.category === 'workload') && (c.cisEks ?? []).length === 0).map((c) => c.id),
  ).toEqual([]);
  expect(CONTROLS.filter((c) => !(c.cisEks ?? []).every((id) => /^\d+(\.\d+)+$/.test(id))).map((c) => c.id)).toEqual([]);
});

test.each(CONTROLS.map((c) => [c.id, c] as const))('%s: the files that implement it exist', (_id, control) => {
  expect(control.implementedIn.length).toBeGreaterThan(0);
  expect(control.implementedIn.filter((file) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
});

test.each(CONTROLS.map((c) => [c.id, c] as const))('%s: the proving test exists in the named file', (_id, control) => {
  const file = path.join(ROOT, control.provenBy.file);
  expect(fs.existsSync(file)).toBe(true);
  expect(control.provenBy.test.trim()).not.toEqual('');
  const names = testNames(fs.readFileSync(file, 'utf8'));
  expect({ control: control.id, provedBy: names.some((name) => name.includes(control.provenBy.test)) }).toEqual({
    control: control.id,
    provedBy: true,
  });
});

describe('the test-name reader', () => {
  const source = [
    "test('plain name', () => {});",
    'it("double \'quoted\'", () => {});',
    "test('it\\'s escaped', () => {});",
    'test.each([',
    "  ['first case', 1],",
    "  ['second case', 2],",
    "])('%s is handled', (name) => {});",
  ].join('\n');

  test('reads plain, escaped and table-driven names', () => {
    const names = testNames(source);
    expect(names).toEqual(
      expect.arrayContaining([
        'plain name',
        "double 'quoted'",
        "it's escaped",
        '%s is handled',
        'first case is handled',
        'second case is handled',
      ]),
    );
  });

  test('a control whose test is missing is caught', () => {
    expect(testNames(source).some((name) => name.includes('a test nobody wrote'))).toBe(false);
  });
});
