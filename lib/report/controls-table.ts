import { CONTROL_AREAS, SecurityControl } from '../compliance/controls';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The README's security-defaults table, generated from the controls registry so it cannot drift from what the
 * reviewer report and its tests check: one row per control, grouped by area.
 */
export function renderControlsTable(controls: readonly SecurityControl[]): string {
  const lines = ['| Id | Control | NIST 800-53 R5 | CIS EKS | Where in code | Test that proves it |', '|---|---|---|---|---|---|'];
  for (const area of CONTROL_AREAS) {
    const inArea = controls.filter((c) => c.category === area.category);
    if (inArea.length === 0) continue;
    lines.push(`| **${area.label}** | | | | | |`);
    for (const c of inArea) {
      lines.push(
        `| ${c.id} | ${cell(c.title)} | ${c.nist.join(', ')} | ${(c.cisEks ?? []).join(', ')} | ` +
          `${c.implementedIn.map((f) => `\`${f}\``).join(', ')} | \`${c.provenBy.file}\` "${cell(c.provenBy.test)}" |`,
      );
    }
  }
  return lines.join('\n');
}
