/**
 * Permissive licences a company can ship in a fork without source-disclosure duties. Copyleft (GPL, AGPL, LGPL) and
 * unknown licences need a person's review, and then either an entry here with the reason or another package.
 */
export const ALLOWED_LICENSES: ReadonlySet<string> = new Set([
  'Apache-2.0',
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  // Public-domain dedication (stream-buffers, under @kubernetes/client-node): no conditions at all.
  'Unlicense',
  // The PSF licence (argparse, a port of Python's, under js-yaml): permissive, attribution only.
  'Python-2.0',
]);

/** The part of package-lock.json (lockfileVersion 2 or 3) the check reads. */
export interface LockFile {
  readonly packages: Readonly<Record<string, { readonly license?: string; readonly dev?: boolean; readonly version?: string }>>;
}

/**
 * Whether an SPDX expression is allowed: an `OR` needs one allowed alternative (we may choose it), an `AND` needs
 * all. Parentheses group; anything else (WITH, a custom text) is not allowed.
 */
export function licenseAllowed(expression: string): boolean {
  const text = expression.trim();
  const inner = /^\((.*)\)$/.exec(text);
  if (inner && balanced(inner[1])) return licenseAllowed(inner[1]);
  for (const operator of [' OR ', ' AND ']) {
    const parts = splitTopLevel(text, operator);
    if (parts.length > 1) return operator === ' OR ' ? parts.some(licenseAllowed) : parts.every(licenseAllowed);
  }
  return ALLOWED_LICENSES.has(text);
}

/** One line per production package whose licence is missing or not allowed. */
export function licenseProblems(lock: LockFile): string[] {
  return Object.entries(lock.packages)
    .filter(([location, entry]) => location !== '' && !entry.dev)
    .filter(([, entry]) => entry.license === undefined || !licenseAllowed(entry.license))
    .map(([location, entry]) => `${location.replace(/^.*node_modules\//, '')}@${entry.version}: ${entry.license ?? 'no licence declared'}`);
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** Splits on an operator outside parentheses. */
function splitTopLevel(text: string, operator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith(operator, i)) {
      parts.push(text.slice(start, i));
      start = i + operator.length;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
