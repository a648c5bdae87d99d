import { CONTROL_AREAS } from '../compliance/controls';
import { Acknowledgement } from '../compliance/acknowledgements';
import { CallPair } from '../evidence/call-pairs';
import { TeamAccessRow } from '../evidence/permissions-table';
import { ControlStatus } from './control-status';

/** What a role may do, read from the synthesized policies. */
export interface RolePermissions {
  readonly role: string;
  readonly statements: readonly {
    readonly effect: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
    readonly conditions?: string;
  }[];
}

/** A role of the platform's users: a Cognito group, the scopes its tokens carry, and the public routes they open. */
export interface UserRolePermissions {
  readonly group: string;
  readonly scopes: readonly string[];
  readonly routes: readonly string[];
}

export interface ReviewerReport {
  readonly title: string;
  readonly environment: string;
  readonly controls: readonly ControlStatus[];
  readonly acknowledgements: readonly Acknowledgement[];
  readonly architectureSvg: string;
  readonly callGraphSvg: string;
  readonly callPairs: readonly CallPair[];
  readonly permissions: readonly RolePermissions[];
  /** Users' groups, from the synthesized user pool and its token trigger. */
  readonly userRoles: readonly UserRolePermissions[];
  /** What each operator team's access entry grants, as the RBAC evaluator answers it. */
  readonly teamAccess: readonly TeamAccessRow[];
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escapeMd = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const STATE_LABEL = { passing: 'passing', acknowledged: 'acknowledged', failing: 'FAILING' } as const;

function summary(report: ReviewerReport): string {
  const count = (state: string) => report.controls.filter((c) => c.state === state).length;
  return `${report.controls.length} controls: ${count('passing')} passing, ${count('acknowledged')} acknowledged, ${count('failing')} failing`;
}

function stateNotes(status: ControlStatus): string[] {
  return [
    ...status.failures.map((f) => `failing: ${f}`),
    ...status.acknowledgements.map((a) => `acknowledged: ${a.finding} — ${a.reason}`),
  ];
}

/** Inline SVG without namespace declarations: HTML does not need them, and the page must name no URL. */
const inlineSvg = (svg: string) => svg.replace(/\sxmlns(?::\w+)?="[^"]*"/g, '').replace(/xlink:href=/g, 'href=');

const CSS = `
:root{--ink:#101828;--muted:#475467;--line:#eaecf0;--head:#f9fafb;--ok:#067647;--ok-bg:#ecfdf3;--ack:#b54708;--ack-bg:#fffaeb;--bad:#b42318;--bad-bg:#fef3f2}
*{box-sizing:border-box} body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:var(--ink);background:#fff;font-size:14px;line-height:1.45}
header{background:#0c111d;color:#fff;padding:1.6rem 2rem 1.4rem} header h1{margin:0;font-size:1.55rem;font-weight:650} header p{margin:.35rem 0 0;color:#cfd4dc;font-size:.85rem}
main{padding:1.2rem 2rem 3rem;max-width:1400px} h2{font-size:1.15rem;margin:2rem 0 .6rem;padding-bottom:.3rem;border-bottom:2px solid var(--line)}
nav{margin:.3rem 0 0;font-size:.85rem} nav a{color:#cfd4dc;margin-right:1.1rem;text-decoration:none} nav a:hover{text-decoration:underline}
.cards{display:flex;gap:.8rem;margin:1rem 0 .4rem;flex-wrap:wrap} .card{border:1px solid var(--line);border-radius:10px;padding:.7rem 1rem;min-width:150px}
.card b{display:block;font-size:1.6rem} .card span{color:var(--muted);font-size:.8rem} .card.ok b{color:var(--ok)} .card.ack b{color:var(--ack)} .card.bad b{color:var(--bad)}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem;font-size:.8rem;table-layout:fixed} th,td{border-bottom:1px solid var(--line);padding:.45rem .5rem;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th{background:var(--head);font-weight:600;color:var(--muted);font-size:.75rem;text-transform:uppercase;letter-spacing:.03em}
tr.area td{background:#f2f4f7;font-weight:650;color:var(--ink);font-size:.8rem;letter-spacing:.02em}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.74rem;color:#344054}
.id{font-weight:650;white-space:nowrap} .test{color:var(--muted)}
.pill{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.72rem;font-weight:650}
.pill.passing,.pill.open{background:var(--ok-bg);color:var(--ok)} .pill.acknowledged{background:var(--ack-bg);color:var(--ack)} .pill.failing,.pill.closed{background:var(--bad-bg);color:var(--bad)}
details{margin-top:.3rem} summary{cursor:pointer;color:var(--muted);font-size:.72rem} .note{color:var(--muted);font-size:.72rem;margin-top:.25rem}
.diagram{overflow-x:auto;border:1px solid var(--line);border-radius:10px;padding:.8rem;margin:.6rem 0 1rem;background:#fcfcfd} .diagram svg{max-width:100%;height:auto}
.lead{color:var(--muted);max-width:70rem}
`;

const pill = (state: string, label: string = state) => `<span class="pill ${state}">${escapeHtml(label)}</span>`;

/** A self-contained page: inline CSS and SVG, no scripts, no external assets; opens from the file system. */
export function renderHtml(report: ReviewerReport): string {
  const count = (state: string, of: readonly ControlStatus[] = report.controls) => of.filter((c) => c.state === state).length;
  const cards = [
    ['', report.controls.length, 'controls'],
    ['ok', count('passing'), 'passing'],
    ['ack', count('acknowledged'), 'acknowledged (reason recorded)'],
    ['bad', count('failing'), 'failing'],
  ]
    .map(([cls, n, label]) => `<div class="card ${cls}"><b>${n}</b><span>${label}</span></div>`)
    .join('');
  const areaRows = CONTROL_AREAS.map(({ category, label }) => {
    const of = report.controls.filter((s) => s.control.category === category);
    return `<tr><td>${escapeHtml(label)}</td><td>${of.length}</td><td>${count('passing', of)}</td><td>${count('acknowledged', of)}</td><td>${count('failing', of)}</td></tr>`;
  }).join('\n');
  const rows = CONTROL_AREAS.flatMap(({ category, label }) => {
    const of = report.controls.filter((s) => s.control.category === category);
    return of.length === 0
      ? []
      : [
          `<tr class="area"><td colspan="7">${escapeHtml(label)}</td></tr>`,
          ...of.map((s) => {
            const c = s.control;
            const notes = stateNotes(s);
            const details =
              notes.length === 0
                ? ''
                : `<details${s.state === 'failing' ? ' open' : ''}><summary>${notes.length} finding${notes.length > 1 ? 's' : ''}</summary>` +
                  `${notes.map((n) => `<div class="note">${escapeHtml(n)}</div>`).join('')}</details>`;
            return (
              `<tr class="${s.state}"><td class="id">${escapeHtml(c.id)}</td><td>${escapeHtml(c.title)}</td>` +
              `<td>${escapeHtml(c.nist.join(', '))}</td><td>${escapeHtml((c.cisEks ?? []).join(', '))}</td>` +
              `<td>${c.implementedIn.map((f) => `<code>${escapeHtml(f)}</code>`).join('<br>')}</td>` +
              `<td><code>${escapeHtml(c.provenBy.file)}</code><div class="test">“${escapeHtml(c.provenBy.test)}”</div></td>` +
              `<td>${pill(s.state)}${details}</td></tr>`
            );
          }),
        ];
  }).join('\n');
  const layerNames = [...new Set(report.callPairs.flatMap((p) => Object.keys(p.layers)))];
  const pairRows = report.callPairs
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.from)}</td><td>${escapeHtml(p.to)}</td>` +
        `<td>${pill(p.allowedByCatalogue ? 'open' : 'closed', p.allowedByCatalogue ? 'allowed' : 'denied')}</td><td>${p.scopes.map((x) => `<code>${escapeHtml(x)}</code>`).join(' ')}</td>` +
        `${layerNames.map((l) => `<td>${pill(p.layers[l] ? 'open' : 'closed')}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const permissionRows = report.permissions
    .flatMap((r) =>
      r.statements.map(
        (s, i) =>
          `<tr><td>${i === 0 ? `<b>${escapeHtml(r.role)}</b>` : ''}</td><td>${s.effect}</td>` +
          `<td>${s.actions.map((a) => `<code>${escapeHtml(a)}</code>`).join('<br>')}</td><td>${s.resources.map((x) => `<code>${escapeHtml(x)}</code>`).join('<br>')}</td>` +
          `<td><code>${escapeHtml(s.conditions ?? '—')}</code></td></tr>`,
      ),
    )
    .join('\n');
  const codes = (values: readonly string[]) => values.map((x) => `<code>${escapeHtml(x)}</code>`).join(' ') || '—';
  const userRoleRows = report.userRoles
    .map((r) => `<tr><td><b>${escapeHtml(r.group)}</b></td><td>${codes(r.scopes)}</td><td>${codes(r.routes)}</td></tr>`)
    .join('\n');
  const yesNo = (value: boolean, good: boolean) => pill(value === good ? 'open' : 'closed', value ? 'yes' : 'no');
  const teamRows = report.teamAccess
    .map(
      (t) =>
        `<tr><td><code>${escapeHtml(t.principal)}</code></td><td>${t.namespaces.map((n) => `<code>${escapeHtml(n)}</code>`).join(' ')}</td>` +
        `<td>${t.policies.map((p) => `<code>${escapeHtml(p)}</code>`).join('<br>')}</td><td>${t.bindings.map(escapeHtml).join('<br>')}</td>` +
        `<td>${yesNo(t.secretsInItsNamespaces, true)}</td><td>${yesNo(t.secretsElsewhere, false)}</td><td>${yesNo(t.clusterScopedObjects, false)}</td></tr>`,
    )
    .join('\n');
  const ackRows = report.acknowledgements
    .map(
      (a) =>
        `<tr><td><code>${escapeHtml(a.path)}</code></td><td>${a.ids.map((id) => `<code>${escapeHtml(id)}</code>`).join('<br>')}</td><td>${escapeHtml(a.reason)}</td></tr>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(report.title)}</title>
<style>${CSS}</style></head><body>
<header><h1>${escapeHtml(report.title)}</h1>
<p>${escapeHtml(report.environment)}</p>
<nav><a href="#controls">Controls</a><a href="#architecture">Architecture</a><a href="#calls">Call graph</a><a href="#permissions">Permissions</a><a href="#team-access">Team access</a><a href="#acknowledgements">Acknowledged findings</a></nav></header>
<main>
<div class="cards">${cards}</div>
<p class="lead">Generated by <code>npm run report</code> from the synthesized cloud assembly (<code>cdk.out</code>), the compliance gate's findings (four cdk-nag packs and cfn-guard), the acknowledgements file, the rendered Kubernetes objects, the service catalogue and the typed controls registry (<code>lib/compliance/controls/</code>). A control is <b>passing</b> when its evidence is in the synthesized environment and no gate rule that checks it has a finding; <b>acknowledged</b> when its rules only have findings with a recorded reason; otherwise <b>failing</b>.</p>
<h2 id="controls">Controls matrix</h2>
<table style="width:auto;min-width:34rem"><thead><tr><th style="width:10rem">Area</th><th style="width:6rem">Controls</th><th style="width:6rem">Passing</th><th style="width:8rem">Acknowledged</th><th style="width:6rem">Failing</th></tr></thead><tbody>
${areaRows}
</tbody></table>
<table><colgroup><col style="width:5.5%"><col style="width:24%"><col style="width:8%"><col style="width:7%"><col style="width:19%"><col style="width:20%"><col style="width:16.5%"></colgroup>
<thead><tr><th>Id</th><th>Control</th><th>NIST 800-53 R5</th><th>CIS EKS</th><th>Implemented in</th><th>Proven by</th><th>Status</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2 id="architecture">Architecture</h2>
<p class="lead">Every stack of the synthesized environment; an arrow wherever one resource references another (keys, log destinations, networks); the request path in orange.</p>
<div class="diagram">${inlineSvg(report.architectureSvg)}</div>
<h2 id="calls">Call graph</h2>
<p class="lead">Who may call whom, from the service catalogue, checked against the rendered objects: solid green edges are open at every layer, labelled with the scopes the caller may use; dashed red edges are closed, labelled with the layers that close them. Each service node names the data its IAM role reaches.</p>
<div class="diagram">${inlineSvg(report.callGraphSvg)}</div>
<table><thead><tr><th>Caller</th><th>Callee</th><th>Catalogue</th><th>Scopes</th>${layerNames.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr></thead>
<tbody>
${pairRows}
</tbody></table>
<h2 id="permissions">Permissions</h2>
<p class="lead">Every statement of each role's synthesized identity policies; resources named by construct path.</p>
<table><colgroup><col style="width:16%"><col style="width:6%"><col style="width:20%"><col style="width:24%"><col style="width:34%"></colgroup>
<thead><tr><th>Role</th><th>Effect</th><th>Actions</th><th>Resources</th><th>Conditions</th></tr></thead>
<tbody>
${permissionRows}
</tbody></table>
<h3 id="user-roles">User roles</h3>
<p class="lead">The Cognito groups of the user pool and the API scopes the token trigger puts in their members' access tokens; a user in no group gets none.</p>
<table><thead><tr><th>Group</th><th>Scopes</th><th>Public routes</th></tr></thead>
<tbody>
${userRoleRows}
</tbody></table>
<h2 id="team-access">Team access</h2>
<p class="lead">Each operator team's access entry, asked of the rendered RBAC and the EKS access policies (lib/evidence/rbac-evaluator.ts).</p>
<table><thead><tr><th>Role (access entry)</th><th>Namespaces</th><th>Access policy</th><th>Bindings</th><th>Secrets in its namespace</th><th>Secrets elsewhere</th><th>Cluster-scoped objects</th></tr></thead>
<tbody>
${teamRows}
</tbody></table>
<h2 id="acknowledgements">Acknowledged findings</h2>
<table><colgroup><col style="width:25%"><col style="width:25%"><col style="width:50%"></colgroup>
<thead><tr><th>Construct</th><th>Finding ids</th><th>Reason</th></tr></thead>
<tbody>
${ackRows}
</tbody></table>
</main></body></html>
`;
}

/** The same content as Markdown; the diagrams are the SVG files written beside it. */
export function renderMarkdown(report: ReviewerReport): string {
  const lines = [
    `# ${report.title}`,
    '',
    `${report.environment} — ${summary(report)}.`,
    '',
    '## Controls matrix',
    '',
    '| Id | Control | Area | NIST 800-53 R5 | CIS EKS | Implemented in | Proven by | Status |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of CONTROL_AREAS.flatMap(({ category }) => report.controls.filter((x) => x.control.category === category))) {
    const c = s.control;
    const status = [STATE_LABEL[s.state], ...stateNotes(s)].join('; ');
    lines.push(
      `| ${c.id} | ${escapeMd(c.title)} | ${c.category} | ${c.nist.join(', ')} | ${(c.cisEks ?? []).join(', ')} | ${c.implementedIn.map((f) => `\`${f}\``).join(', ')} | \`${c.provenBy.file}\`: ${escapeMd(c.provenBy.test)} | ${escapeMd(status)} |`,
    );
  }
  lines.push('', '## Architecture', '', '![architecture](architecture.svg)', '', '## Call graph', '', '![call graph](call-graph.svg)', '');
  const layerNames = [...new Set(report.callPairs.flatMap((p) => Object.keys(p.layers)))];
  lines.push(
    `| Caller | Callee | Catalogue | Scopes | ${layerNames.join(' | ')} |`,
    `|---|---|---|---|${layerNames.map(() => '---|').join('')}`,
  );
  for (const p of report.callPairs) {
    lines.push(
      `| ${p.from} | ${p.to} | ${p.allowedByCatalogue ? 'allowed' : 'denied'} | ${p.scopes.map((x) => `\`${x}\``).join(' ')} | ${layerNames.map((l) => (p.layers[l] ? 'open' : 'closed')).join(' | ')} |`,
    );
  }
  lines.push('', '## Permissions', '', '| Role | Effect | Actions | Resources | Conditions |', '|---|---|---|---|---|');
  for (const r of report.permissions) {
    r.statements.forEach((s, i) =>
      lines.push(
        `| ${i === 0 ? r.role : ''} | ${s.effect} | ${s.actions.map((a) => `\`${a}\``).join(' ')} | ${s.resources.map((x) => `\`${escapeMd(x)}\``).join(' ')} | ${escapeMd(s.conditions ?? '')} |`,
      ),
    );
  }
  lines.push('', '### User roles', '', '| Group | Scopes | Public routes |', '|---|---|---|');
  for (const r of report.userRoles) {
    lines.push(`| ${r.group} | ${r.scopes.map((x) => `\`${x}\``).join(' ')} | ${r.routes.map((x) => `\`${x}\``).join(' ') || '—'} |`);
  }
  lines.push(
    '',
    '## Team access',
    '',
    '| Role (access entry) | Namespaces | Access policy | Bindings | Secrets in its namespace | Secrets elsewhere | Cluster-scoped objects |',
    '|---|---|---|---|---|---|---|',
  );
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  for (const t of report.teamAccess) {
    lines.push(
      `| \`${t.principal}\` | ${t.namespaces.map((n) => `\`${n}\``).join(' ')} | ${t.policies.map((p) => `\`${p}\``).join(' ')} | ${escapeMd(t.bindings.join('; '))} | ` +
        `${yesNo(t.secretsInItsNamespaces)} | ${yesNo(t.secretsElsewhere)} | ${yesNo(t.clusterScopedObjects)} |`,
    );
  }
  lines.push('', '## Acknowledged findings', '', '| Construct | Finding ids | Reason |', '|---|---|---|');
  for (const a of report.acknowledgements)
    lines.push(`| \`${a.path}\` | ${a.ids.map((id) => `\`${id}\``).join(' ')} | ${escapeMd(a.reason)} |`);
  return `${lines.join('\n')}\n`;
}
