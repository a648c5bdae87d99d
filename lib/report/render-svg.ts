import { instance } from '@viz-js/viz';

/** Lays out and renders a Graphviz DOT graph to SVG with Graphviz compiled to WebAssembly: no binary, no network. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new Error(`graphviz could not render the graph: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  // Drop the XML prolog and DOCTYPE (it names an external DTD) so the SVG can be inlined in HTML.
  return result.output.replace(/^[\s\S]*?(<svg)/, '$1');
}
