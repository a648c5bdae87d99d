/**
 * A small XML well-formedness check (no XML parser is installed): one root element, every tag closed in order,
 * attribute values quoted, no duplicate attributes, entities either predefined or numeric, no stray `<` or `&`.
 * Returns the problems found; an empty list means well-formed.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const body = xml
    .replace(/^\s*<\?xml[^?]*\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>]*>/, '');
  const token =
    /<\/?([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(body)) !== null) {
    const [text, name, attributes, selfClosing] = match;
    if (!name) {
      problems.push(`stray ${JSON.stringify(text)} at ${match.index}: ${JSON.stringify(body.slice(match.index, match.index + 40))}`);
      continue;
    }
    const names = [...(attributes ?? '').matchAll(/(?<![\w:.-])([A-Za-z_][\w:.-]*)\s*=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) problems.push(`duplicate attribute in <${name}>`);
    if (text.startsWith('</')) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else if (!selfClosing) {
      if (stack.length === 0) roots += 1;
      stack.push(name);
    } else if (stack.length === 0) {
      roots += 1;
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}
