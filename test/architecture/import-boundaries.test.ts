import * as fs from 'fs';
import * as path from 'path';

/**
 * The seams between the folders, as rules over every relative import. The contract (lib/catalogue) is what the
 * infrastructure and the services share; evidence reads synthesized output for compliance and the report alike.
 */
const ROOT = path.join(__dirname, '..', '..');

interface Boundary {
  readonly rule: string;
  /** Repository-relative folder the rule applies to (its files import). */
  readonly from: string;
  /** Repository-relative folders the files may not import; `except` folders are allowed inside them. */
  readonly mayNotImport: readonly string[];
  readonly except?: readonly string[];
}

const BOUNDARIES: readonly Boundary[] = [
  { rule: 'the infrastructure does not import the services', from: 'lib', mayNotImport: ['services'] },
  { rule: 'the app entry point does not import the services', from: 'bin', mayNotImport: ['services'] },
  { rule: 'services import nothing of lib/ but the contract', from: 'services', mayNotImport: ['lib'], except: ['lib/catalogue'] },
  { rule: 'the contract imports neither side', from: 'lib/catalogue', mayNotImport: ['lib', 'services', 'bin'], except: ['lib/catalogue'] },
  { rule: 'evidence depends on neither compliance nor the report', from: 'lib/evidence', mayNotImport: ['lib/compliance', 'lib/report'] },
  { rule: 'compliance does not depend on the report', from: 'lib/compliance', mayNotImport: ['lib/report'] },
  ...['lib/constructs', 'lib/charts'].map((from) => ({
    rule: `${from} is reusable: it imports neither the app's configuration nor its wiring`,
    from,
    mayNotImport: ['lib/config', 'lib/stacks', 'lib/platform', 'lib/app'],
  })),
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.(ts|mjs)$/.test(entry.name) ? [rel] : [];
  });
}

/** The repository-relative targets of a file's relative imports (static, dynamic and `import type`). */
function relativeImports(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g)].map(
    (m) => m[1],
  );
  return specifiers.map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
}

const inside = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);

function violations(boundary: Boundary, files: readonly string[], read: (file: string) => string): string[] {
  return files
    .filter((file) => inside(file, boundary.from))
    .flatMap((file) =>
      relativeImports(file, read(file))
        .filter(
          (target) =>
            boundary.mayNotImport.some((folder) => inside(target, folder)) &&
            !(boundary.except ?? []).some((folder) => inside(target, folder)),
        )
        .map((target) => `${file} imports ${target}`),
    );
}

const files = ['lib', 'bin', 'services'].flatMap(sourceFiles);
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

test.each(BOUNDARIES.map((b) => [b.rule, b] as const))('%s', (_rule, boundary) => {
  expect(violations(boundary, files, read)).toEqual([]);
});

test('the rules see imports in every form, so a crossing cannot hide behind syntax', () => {
  const sources: Record<string, string> = {
    'lib/a.ts': "import { x } from '../services/shared/src/x';",
    'lib/b.ts': "import type { Y } from '../services/y';",
    'lib/c.ts': "export { z } from '../services/z';",
    'lib/d.ts': "const m = await import('../services/m');",
    'services/e.ts': "import { c } from '../lib/charts/c';",
    'services/f.ts': "import { ok } from '../lib/catalogue/ok';",
  };
  const found = BOUNDARIES.slice(0, 3).flatMap((b) => violations(b, Object.keys(sources), (f) => sources[f]));
  expect(found).toEqual([
    'lib/a.ts imports services/shared/src/x',
    'lib/b.ts imports services/y',
    'lib/c.ts imports services/z',
    'lib/d.ts imports services/m',
    'services/e.ts imports lib/charts/c',
  ]);
});
