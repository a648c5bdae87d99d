import * as fs from 'fs';
import * as path from 'path';
import { publicRoutes, routeKey, SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import {
  constructPathLabels,
  renderPermissionsTable,
  renderTeamAccessTable,
  renderUserRolesTable,
  userRoles,
} from '../../lib/evidence/permissions-table';
import { clusterAuthorization } from '../../lib/evidence/rbac-evaluator';
import { TOKEN_SCOPES_ENV } from '../../lib/private/token-scopes-trigger';
import { synthesizedConfiguration } from '../support/synthesized-configurations';
import { edgeTemplate } from '../support/token-trigger';
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

describe('user roles', () => {
  const USER_ROLES_MARKERS = /<!-- user-roles:start -->\n([\s\S]*?)\n<!-- user-roles:end -->/;
  let roles: ReturnType<typeof userRoles>;
  let rolesTable: string;
  beforeAll(() => {
    roles = userRoles(edgeTemplate(synthesizedConfiguration('dev').assembly), TOKEN_SCOPES_ENV.groupScopes);
    rolesTable = renderUserRolesTable(
      roles,
      publicRoutes(SERVICE_CATALOGUE).map((route) => ({ key: routeKey(route), scope: route.scope })),
    );
  });

  test("one row per Cognito group of the template, with the scopes of the pool's token trigger and the routes they open", () => {
    expect(roles.length).toBeGreaterThan(0);
    expect(rolesTable.split('\n')).toContain('| orders-readers | `orders/read` | `GET /orders/{orderId}` |');
    expect(rolesTable.split('\n')).toContain('| admins | `orders/admin`, `orders/read` | `GET /orders/{orderId}` |');
  });

  test('the README table equals the generated one', () => {
    const match = USER_ROLES_MARKERS.exec(fs.readFileSync(README, 'utf8'));
    expect(match).not.toBeNull();
    expect(match![1].trim()).toEqual(rolesTable);
  });
});

describe('team access', () => {
  const TEAM_MARKERS = /<!-- team-access:start -->\n([\s\S]*?)\n<!-- team-access:end -->/;
  const teams = renderTeamAccessTable(clusterAuthorization(synthesizedConfiguration('dev').assembly.stacks.map((s) => s.template)));

  test("one row per team access entry, with the evaluator's answers", () => {
    expect(teams.split('\n').slice(2)).toEqual([
      '| `role TeamspaymentsroleE1FBDA05 (created by the stack)` | `payments` | `AmazonEKSEditPolicy` | ' +
        '`platform-team-payments-edit` | RoleBinding payments/team-edit → ClusterRole edit | yes | no | no |',
    ]);
  });

  test('the README table equals the generated one', () => {
    const match = TEAM_MARKERS.exec(fs.readFileSync(README, 'utf8'));
    expect(match).not.toBeNull();
    expect(match![1].trim()).toEqual(teams);
  });
});
