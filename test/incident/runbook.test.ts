import * as fs from 'fs';
import * as path from 'path';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { INCIDENT_ACTIONS } from '../../scripts/incident/cli';
import { buildPlatform, PROD_CONTEXT, TEST_IMAGE_DIGESTS } from '../support/platform-fixture';

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

test('the runbook names every alarm and every finding route of the platform', () => {
  const { app } = buildPlatform({ ...PROD_CONTEXT, imageDigests: TEST_IMAGE_DIGESTS });
  const signals = new Set<string>();
  for (const construct of app.node.findAll()) {
    if (construct instanceof cloudwatch.Alarm) signals.add(construct.node.id);
    // Karpenter's rules feed its own queue: automation, not a signal for people.
    if (construct instanceof events.Rule && !construct.node.path.includes('/Karpenter/')) signals.add(construct.node.id);
  }
  expect(signals.size).toBeGreaterThan(20);
  expect([...signals].filter((signal) => !RUNBOOK.includes(`\`${signal}\``)).sort()).toEqual([]);
});
