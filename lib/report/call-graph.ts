import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { CallPair } from './render-report';

const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The ingress identity's node name in the call graph. */
export function ingressNodeName(catalogue: ServiceCatalogue): string {
  return `${catalogue.ingress.namespace}/${catalogue.ingress.serviceAccount}`;
}

/**
 * Graphviz DOT of the call graph: allowed edges solid, labelled with the callee's scopes and the layers that
 * open them; every other ordered pair drawn as a dashed "denied" edge, labelled with the layers that close it.
 */
export function callGraphDot(catalogue: ServiceCatalogue, pairs: readonly CallPair[]): string {
  const lines = ['digraph calls {', '  rankdir=LR; node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=9];'];
  lines.push(`  ${quote(ingressNodeName(catalogue))} [label=${quote(`API ingress\\n${ingressNodeName(catalogue)}`)}, fillcolor="#fff4d6"];`);
  for (const service of catalogue.services) {
    const owns = [service.table ? 'own table' : '', service.ownsDataPrefix ? `s3 prefix ${service.name}/` : ''].filter(Boolean).join(', ');
    lines.push(`  ${quote(service.name)} [label=${quote(`${service.name}\\nns ${service.namespace}, port ${service.port}${owns ? `\\nIAM: ${owns}` : ''}`)}];`);
  }
  const scopesOf = (name: string) => catalogue.services.find((s) => s.name === name)?.scopes.map((s) => `${name}/${s}`).join(' ') ?? '';
  for (const pair of pairs) {
    const layers = Object.entries(pair.layers);
    if (pair.allowedByCatalogue) {
      const open = layers.filter(([, allows]) => allows).map(([name]) => name).join(' + ');
      lines.push(`  ${quote(pair.from)} -> ${quote(pair.to)} [color="#067647", penwidth=2, label=${quote(`${scopesOf(pair.to)}\\n${open}`)}];`);
    } else {
      const closed = layers.filter(([, allows]) => !allows).map(([name]) => name).join(', ');
      lines.push(`  ${quote(pair.from)} -> ${quote(pair.to)} [color="#d92d20", style=dashed, fontcolor="#b42318", label=${quote(`denied: ${closed}`)}];`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}
