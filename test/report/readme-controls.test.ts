import * as fs from 'fs';
import * as path from 'path';
import { CONTROLS } from '../../lib/compliance/controls';
import { renderControlsTable } from '../../lib/report/controls-table';

const README = path.join(__dirname, '..', '..', 'README.md');
const MARKERS = /<!-- controls:start -->\n([\s\S]*?)\n<!-- controls:end -->/;

test('the README security-defaults table equals the one generated from the controls registry', () => {
  const match = MARKERS.exec(fs.readFileSync(README, 'utf8'));
  expect(match).not.toBeNull();
  expect(match![1].trim()).toEqual(renderControlsTable(CONTROLS));
});

test('the table has one row per control, grouped under its area', () => {
  const rows = renderControlsTable(CONTROLS).split('\n').slice(2);
  expect(rows.filter((r) => !r.startsWith('| **'))).toHaveLength(CONTROLS.length);
  expect(rows[0]).toBe('| **Network** | | | | | |');
});
