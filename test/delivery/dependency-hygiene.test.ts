import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { LockFile, licenseAllowed, licenseProblems } from '../../scripts/licenses/license-policy';
import { schemaErrors } from './support/schema-errors';

/** Dependabot's configuration and the licence policy of production dependencies. */
const ROOT = path.join(__dirname, '..', '..');
const dependabot = parse(fs.readFileSync(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8'));
const lock: LockFile = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));

test('dependabot.yml validates against its schema', () => {
  expect(schemaErrors('dependabot-2.0', dependabot)).toEqual([]);
  expect(schemaErrors('dependabot-2.0', { ...dependabot, version: 3 })).not.toEqual([]);
});

test('dependabot watches npm, the services image base and the workflow actions', () => {
  expect(dependabot.updates.map((u: any) => `${u['package-ecosystem']} ${u.directory}`)).toEqual(
    expect.arrayContaining(['npm /', 'docker /services', 'github-actions /']),
  );
});

test('dependabot never proposes a major bump of the pinned toolchain', () => {
  const npm = dependabot.updates.find((u: any) => u['package-ecosystem'] === 'npm');
  const majorsIgnored = npm.ignore
    .filter((rule: any) => rule['update-types']?.includes('version-update:semver-major'))
    .map((rule: any) => rule['dependency-name']);
  expect(majorsIgnored).toEqual(expect.arrayContaining(['aws-cdk', 'typescript', 'jest', 'ts-jest', '@types/node']));
});

test('every production dependency in the lockfile has an allowed licence', () => {
  expect(licenseProblems(lock)).toEqual([]);
});

test('copyleft, unknown and missing licences are reported; dev-only packages are not checked', () => {
  const packages = {
    '': { version: '0.1.0' },
    'node_modules/ok': { version: '1.0.0', license: '(MIT OR GPL-3.0-or-later)' },
    'node_modules/gpl': { version: '1.0.0', license: 'GPL-3.0-only' },
    'node_modules/a/node_modules/agpl': { version: '2.0.0', license: 'AGPL-3.0' },
    'node_modules/both': { version: '1.0.0', license: 'MIT AND GPL-2.0' },
    'node_modules/none': { version: '1.0.0' },
    'node_modules/tool': { version: '1.0.0', license: 'GPL-3.0-only', dev: true },
  };
  expect(licenseProblems({ packages })).toEqual([
    'gpl@1.0.0: GPL-3.0-only',
    'agpl@2.0.0: AGPL-3.0',
    'both@1.0.0: MIT AND GPL-2.0',
    'none@1.0.0: no licence declared',
  ]);
  expect(['MIT', '(Apache-2.0 OR MIT)', '(MIT AND (BSD-3-Clause OR GPL-2.0))'].every(licenseAllowed)).toBe(true);
  expect(['LGPL-2.1', 'MIT WITH Exception', 'SEE LICENSE IN LICENSE.txt'].some(licenseAllowed)).toBe(false);
});
