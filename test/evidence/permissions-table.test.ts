import * as fs from 'fs';
import * as path from 'path';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { constructPathLabels, renderPermissionsTable } from '../../lib/evidence/permissions-table';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { platformData } from '../data/data-fixture';

const README = path.join(__dirname, '..', '..', 'README.md');
const MARKERS = /<!-- permissions:start -->\n([\s\S]*?)\n<!-- permissions:end -->/;

let table: string;
beforeAll(() => {
  const { app, data } = platformData();
  const policies = SynthesizedPolicies.fromAssembly(app.synth());
  table = renderPermissionsTable(
    policies,
    constructPathLabels(app),
    SERVICE_CATALOGUE.services.map((s) => ({ name: s.name, role: data.identities.get(s.name)!.role })),
  );
});

test('one row per synthesized statement of each service role, resources named by construct path', () => {
  const rows = table.split('\n').slice(2);
  expect(rows).toContain('| orders | Allow | `dynamodb:GetItem`, `dynamodb:PutItem` | `<Data/Tables/orders>` | — |');
  expect(rows).toContain('| orders | Allow | `s3:ListBucket` | `<Data/DataBucket>` | `s3:prefix` StringLike `orders/*` |');
  expect(rows.filter((r) => r.startsWith('| inventory |'))).toHaveLength(2);
  expect(table).not.toMatch(/\{\{/); // every placeholder became a construct path
});

test('the README table equals the generated one', () => {
  const match = MARKERS.exec(fs.readFileSync(README, 'utf8'));
  expect(match).not.toBeNull();
  expect(match![1].trim()).toEqual(table);
});
