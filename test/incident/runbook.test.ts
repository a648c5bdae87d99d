import * as fs from 'fs';
import * as path from 'path';
import { INCIDENT_ACTIONS } from '../../scripts/incident/cli';

const RUNBOOK = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'incident-response.md'), 'utf8');

test.each(INCIDENT_ACTIONS)('the runbook tells how to run %s', (action) => {
  expect(RUNBOOK).toContain(`npm run incident -- ${action} `);
});

test('the runbook follows the NIST SP 800-61 phases and names the 800-53 incident response controls', () => {
  const headings = RUNBOOK.split('\n').filter((line) => line.startsWith('## '));
  expect(headings.map((h) => h.replace(/^## (\d\. )?/, '').replace(/ \(.*\)$/, ''))).toEqual([
    'Preparation',
    'Detection and analysis',
    'Containment, eradication and recovery',
    'Post-incident activity',
    'Alarms and dashboards',
  ]);
  for (const control of ['IR-4', 'IR-5', 'IR-6', 'IR-8']) expect(RUNBOOK).toContain(control);
});
