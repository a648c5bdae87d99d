import { Acknowledgement } from '../compliance/acknowledgements';
import { CallPair } from './call-pairs';
import { ControlStatus } from './control-status';

/** What a role may do, read from the synthesized policies. */
export interface RolePermissions {
  readonly role: string;
  readonly statements: readonly { readonly effect: string; readonly actions: readonly string[]; readonly resources: readonly string[]; readonly conditions?: string }[];
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
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escapeMd = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const STATE_LABEL = { passing: 'passing', acknowledged: 'acknowledged', failing: 'FAILING' } as const;

function summary(report: ReviewerReport): string {
  const count = (state: string) => report.controls.filter((c) => c.state === state).length;
  return `${report.controls.length} controls: ${count('passing')} passing, ${count('acknowledged')} acknowledged, ${count('failing')} failing`;
}

function stateNotes(status: ControlStatus): string[] {
  return [...status.failures.map((f) => `failing: ${f}`), ...status.acknowledgements.map((a) => `acknowledged: ${a.finding} — ${a.reason}`)];
}

/** Inline SVG without namespace declarations: HTML does not need them, and the page must name no URL. */
const inlineSvg = (svg: string) => svg.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '').replace(/xlink:href=/g, 'href=');

/** A self-contained page: inline CSS and SVG, no scripts, no external assets; opens from the file system. */
export function renderHtml(report: ReviewerReport): string {
  const rows = report.controls.map((s) => {
    const c = s.control;
    const notes = stateNotes(s).map((n) => `<div class="note">${escapeHtml(n)}</div>`).join('');
    return `<tr class="${s.state}"><td>${escapeHtml(c.id)}</td><td>${escapeHtml(c.title)}</td><td>${c.category}</td>`
      + `<td>${escapeHtml(c.nist.join(', '))}</td><td>${escapeHtml((c.cisEks ?? []).join(', '))}</td>`
      + `<td>${c.implementedIn.map((f) => `<code>${escapeHtml(f)}</code>`).join('<br>')}</td>`
      + `<td><code>${escapeHtml(c.provenBy.file)}</code><br>${escapeHtml(c.provenBy.test)}</td>`
      + `<td><strong>${STATE_LABEL[s.state]}</strong>${notes}</td></tr>`;
  }).join('\n');
  const layerNames = [...new Set(report.callPairs.flatMap((p) => Object.keys(p.layers)))];
  const pairRows = report.callPairs.map((p) => `<tr class="${p.allowedByCatalogue ? 'open' : 'closed'}"><td>${escapeHtml(p.from)}</td><td>${escapeHtml(p.to)}</td>`
    + `<td>${p.allowedByCatalogue ? 'allowed' : 'denied'}</td><td>${p.scopes.map((x) => `<code>${escapeHtml(x)}</code>`).join(' ')}</td>${layerNames.map((l) => `<td>${p.layers[l] ? 'open' : 'closed'}</td>`).join('')}</tr>`).join('\n');
  const permissionRows = report.permissions.flatMap((r) => r.statements.map((s, i) => `<tr><td>${i === 0 ? escapeHtml(r.role) : ''}</td><td>${s.effect}</td>`
    + `<td>${s.actions.map((a) => `<code>${escapeHtml(a)}</code>`).join(' ')}</td><td>${s.resources.map((x) => `<code>${escapeHtml(x)}</code>`).join('<br>')}</td>`
    + `<td>${escapeHtml(s.conditions ?? '')}</td></tr>`)).join('\n');
  const ackRows = report.acknowledgements.map((a) => `<tr><td><code>${escapeHtml(a.path)}</code></td><td>${a.ids.map((id) => `<code>${escapeHtml(id)}</code>`).join('<br>')}</td><td>${escapeHtml(a.reason)}</td></tr>`).join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem;color:#1d2939;max-width:1400px}
h1{margin-bottom:.2rem} .sub{color:#475467;margin-top:0}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.85rem} th,td{border:1px solid #d0d5dd;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f2f4f7} code{font-size:.8rem} .note{color:#475467;font-size:.75rem;margin-top:.2rem}
tr.passing td:last-child{background:#ecfdf3} tr.acknowledged td:last-child{background:#fffaeb} tr.failing td:last-child{background:#fef3f2;color:#b42318}
tr.closed td{color:#667085} .diagram{overflow-x:auto;border:1px solid #eaecf0;padding:.5rem;margin:1rem 0} .diagram svg{max-width:100%;height:auto}
</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
<p class="sub">${escapeHtml(report.environment)} — ${escapeHtml(summary(report))}. Generated from the synthesized cloud assembly, the compliance gate, the service catalogue and the controls registry; regenerate with <code>npm run report</code>.</p>
<h2>Controls matrix</h2>
<table><thead><tr><th>Id</th><th>Control</th><th>Area</th><th>NIST 800-53 R5</th><th>CIS EKS</th><th>Implemented in</th><th>Proven by</th><th>Status</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Architecture</h2>
<div class="diagram">${inlineSvg(report.architectureSvg)}</div>
<h2>Call graph</h2>
<div class="diagram">${inlineSvg(report.callGraphSvg)}</div>
<table><thead><tr><th>Caller</th><th>Callee</th><th>Catalogue</th><th>Scopes</th>${layerNames.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr></thead>
<tbody>
${pairRows}
</tbody></table>
<h2>Permissions</h2>
<table><thead><tr><th>Role</th><th>Effect</th><th>Actions</th><th>Resources</th><th>Conditions</th></tr></thead>
<tbody>
${permissionRows}
</tbody></table>
<h2>Acknowledged findings</h2>
<table><thead><tr><th>Construct</th><th>Finding ids</th><th>Reason</th></tr></thead>
<tbody>
${ackRows}
</tbody></table>
</body></html>
`;
}

/** The same content as Markdown; the diagrams are the SVG files written beside it. */
export function renderMarkdown(report: ReviewerReport): string {
  const lines = [`# ${report.title}`, '', `${report.environment} — ${summary(report)}.`, '', '## Controls matrix', '',
    '| Id | Control | Area | NIST 800-53 R5 | CIS EKS | Implemented in | Proven by | Status |', '|---|---|---|---|---|---|---|---|'];
  for (const s of report.controls) {
    const c = s.control;
    const status = [STATE_LABEL[s.state], ...stateNotes(s)].join('; ');
    lines.push(`| ${c.id} | ${escapeMd(c.title)} | ${c.category} | ${c.nist.join(', ')} | ${(c.cisEks ?? []).join(', ')} | ${c.implementedIn.map((f) => `\`${f}\``).join(', ')} | \`${c.provenBy.file}\`: ${escapeMd(c.provenBy.test)} | ${escapeMd(status)} |`);
  }
  lines.push('', '## Architecture', '', '![architecture](architecture.svg)', '', '## Call graph', '', '![call graph](call-graph.svg)', '');
  const layerNames = [...new Set(report.callPairs.flatMap((p) => Object.keys(p.layers)))];
  lines.push(`| Caller | Callee | Catalogue | Scopes | ${layerNames.join(' | ')} |`, `|---|---|---|---|${layerNames.map(() => '---|').join('')}`);
  for (const p of report.callPairs) {
    lines.push(`| ${p.from} | ${p.to} | ${p.allowedByCatalogue ? 'allowed' : 'denied'} | ${p.scopes.map((x) => `\`${x}\``).join(' ')} | ${layerNames.map((l) => (p.layers[l] ? 'open' : 'closed')).join(' | ')} |`);
  }
  lines.push('', '## Permissions', '', '| Role | Effect | Actions | Resources | Conditions |', '|---|---|---|---|---|');
  for (const r of report.permissions) {
    r.statements.forEach((s, i) => lines.push(`| ${i === 0 ? r.role : ''} | ${s.effect} | ${s.actions.map((a) => `\`${a}\``).join(' ')} | ${s.resources.map((x) => `\`${escapeMd(x)}\``).join(' ')} | ${escapeMd(s.conditions ?? '')} |`));
  }
  lines.push('', '## Acknowledged findings', '', '| Construct | Finding ids | Reason |', '|---|---|---|');
  for (const a of report.acknowledgements) lines.push(`| \`${a.path}\` | ${a.ids.map((id) => `\`${id}\``).join(' ')} | ${escapeMd(a.reason)} |`);
  return `${lines.join('\n')}\n`;
}
