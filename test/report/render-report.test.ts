import { CONTROLS } from '../../lib/compliance/controls';
import { rawGateFindings } from '../../lib/compliance/gate-findings';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { AssemblyView } from '../../lib/evidence/assembly-view';
import { buildReviewerReport, reportedRoles } from '../../lib/report/build-report';
import { renderHtml, renderMarkdown, ReviewerReport } from '../../lib/report/render-report';
import { buildPlatform } from '../support/platform-fixture';
import { xmlProblems } from './support/xml';

/** The report of the reference environment, built in-process the way `npm run report` builds it from cdk.out. */
let report: ReviewerReport;
let html: string;
let markdown: string;
let roles: string[];
beforeAll(async () => {
  const { app, platform, config } = buildPlatform();
  const findings = rawGateFindings(app, { guard: false });
  const cloudAssembly = app.synth();
  report = await buildReviewerReport({
    platform,
    root: app,
    profile: config.profile,
    assembly: new AssemblyView(cloudAssembly),
    policies: SynthesizedPolicies.fromAssembly(cloudAssembly),
    findings,
  });
  html = renderHtml(report);
  markdown = renderMarkdown(report);
  roles = reportedRoles(platform).map((r) => r.name);
});

describe('self-contained HTML', () => {
  test('names no external URL: no http(s)://, protocol-relative // reference or CSS url()', () => {
    expect(html.match(/https?:\/\//g)).toBeNull();
    expect(html.match(/(?:src|href|action)\s*=\s*["']?\/\//gi)).toBeNull();
    expect(html.match(/["'(]\s*\/\/[a-z0-9]/gi)).toBeNull();
    expect(html.match(/url\s*\(/gi)).toBeNull();
    expect(html.match(/@import/gi)).toBeNull();
  });

  test('runs no script and loads nothing', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });

  test('inlines both pictures', () => {
    expect(html.match(/<svg\b/g)?.length).toBe(2);
  });
});

describe('pictures', () => {
  test('both SVGs are well-formed XML', () => {
    expect(xmlProblems(report.architectureSvg)).toEqual([]);
    expect(xmlProblems(report.callGraphSvg)).toEqual([]);
  });

  test('the well-formedness check is not vacuous', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg a="1" a="2"/>')).not.toEqual([]);
    expect(xmlProblems('<svg>a & b</svg>')).not.toEqual([]);
    expect(xmlProblems('<svg/><svg/>')).not.toEqual([]);
  });

  test('the architecture shows every stack, the edge path and the services', () => {
    for (const stack of ['Keys', 'Logging', 'Network', 'Cluster', 'Edge', 'Data', 'Workloads'])
      expect(report.architectureSvg).toContain(`${stack} stack`);
    for (const label of [
      'Client',
      'WAF WebACL',
      'REST API',
      'VPC link',
      'Internal load balancer',
      'EKS cluster',
      'Service orders',
      'Service inventory',
      'subnets',
      'DynamoDB table',
      'KMS key',
      'Log group',
    ]) {
      expect(report.architectureSvg).toContain(label);
    }
  });

  test('the call graph draws every pair: allowed ones with scopes and layers, the others closed', () => {
    expect(report.callPairs.length).toBeGreaterThan(0);
    for (const pair of report.callPairs) {
      expect(Object.values(pair.layers).every((open) => open === pair.allowedByCatalogue)).toBe(true);
      expect(pair.scopes.length > 0).toBe(pair.allowedByCatalogue);
    }
    expect(report.callGraphSvg).toContain('closed: NetworkPolicy, mesh AuthorizationPolicy');
    expect(report.callGraphSvg).toContain('inventory/read inventory/write');
    expect(report.callGraphSvg).toContain('IAM: own table');
  });
});

describe('content', () => {
  test.each([
    ['HTML', () => html],
    ['Markdown', () => markdown],
  ])('the %s names every control id and every role', (_format, text) => {
    expect(CONTROLS.filter((c) => !text().includes(c.id)).map((c) => c.id)).toEqual([]);
    expect(roles.filter((role) => !text().includes(role))).toEqual([]);
    expect(roles.length).toBe(3); // two services and the identity-pool role
  });

  test('each role lists the actions and resources of its synthesized policies, by construct path', () => {
    const orders = report.permissions.find((r) => r.role.startsWith('orders'))!;
    expect(orders.statements).toContainEqual(
      expect.objectContaining({ effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: ['<Data/Tables/orders>'] }),
    );
    const users = report.permissions.find((r) => r.role.startsWith('identity-pool'))!;
    expect(users.statements.length).toBeGreaterThan(0);
    expect(JSON.stringify(report.permissions)).not.toMatch(/\{\{/);
  });

  test("users' roles: each group with its tokens' scopes and the routes they open, in both formats", () => {
    expect(report.userRoles).toContainEqual({
      group: 'admins',
      scopes: ['orders/admin', 'orders/read'],
      routes: ['GET /orders/{orderId}'],
    });
    expect(report.userRoles.map((r) => r.group)).toEqual([
      'orders-readers',
      'orders-writers',
      'inventory-readers',
      'inventory-writers',
      'admins',
    ]);
    expect(html).toContain(
      '<tr><td><b>orders-readers</b></td><td><code>orders/read</code></td><td><code>GET /orders/{orderId}</code></td></tr>',
    );
    expect(markdown).toContain('| orders-readers | `orders/read` | `GET /orders/{orderId}` |');
  });

  test('the Detection & response area lists each of its controls with its proving test, all passing', () => {
    const detection = CONTROLS.filter((c) => c.category === 'detection');
    expect(detection.map((c) => c.id)).toEqual(expect.arrayContaining(['DET-3', 'DET-4', 'DET-5', 'DET-6', 'DET-7']));
    expect(report.controls.filter((s) => s.control.category === 'detection').map((s) => [s.control.id, s.state])).toEqual(
      detection.map((c) => [c.id, 'passing']),
    );
    const area = html.indexOf('<tr class="area"><td colspan="7">Detection &amp; response</td></tr>');
    expect(area).toBeGreaterThan(0);
    const next = html.indexOf('<tr class="area">', area + 1);
    const rows = html.slice(area, next);
    for (const c of detection) {
      expect(rows).toContain(`<td class="id">${c.id}</td>`);
      expect(rows).toContain(`<code>${c.provenBy.file}</code>`);
    }
    expect(html).toContain('<tr><td>Detection &amp; response</td>');
  });

  test("the team access section answers for each team's access entry: its namespace only, no Secret elsewhere, nothing cluster-scoped", () => {
    expect(report.teamAccess).toEqual([
      {
        principal: 'role TeamspaymentsroleE1FBDA05 (created by the stack)',
        namespaces: ['payments'],
        policies: ['AmazonEKSEditPolicy'],
        groups: ['platform-team-payments-edit'],
        bindings: ['RoleBinding payments/team-edit → ClusterRole edit'],
        secretsInItsNamespaces: true,
        secretsElsewhere: false,
        clusterScopedObjects: false,
      },
    ]);
    for (const text of [html, markdown]) expect(text).toContain('role TeamspaymentsroleE1FBDA05 (created by the stack)');
  });

  test('the output is deterministic', async () => {
    expect(renderHtml(report)).toEqual(html);
    expect(html).not.toMatch(/\b20\d\d-\d\d-\d\d/);
  });
});
