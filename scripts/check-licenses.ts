// `npm run licenses`: every production dependency in package-lock.json (what a deployed app or a fork ships) must
// carry a licence from ALLOWED_LICENSES, read from the lockfile alone, offline. Dev-only tools (tests, lint) are
// not checked: they are not distributed with the platform. Exit 1 lists each package with a licence to review.
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../lib/private/project-root';
import { licenseProblems } from './licenses/license-policy';

const lock = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package-lock.json'), 'utf8'));
const problems = licenseProblems(lock);
for (const problem of problems) console.error(problem);
console.log(problems.length === 0 ? 'licences: every production dependency is allowed' : `licences: ${problems.length} to review`);
process.exitCode = problems.length === 0 ? 0 : 1;
