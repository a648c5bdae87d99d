import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { CallPair, INGRESS } from '../evidence/call-pairs';

/** A DOT string; `\n` in the text stays a DOT line break, so labels may use it. */
const quote = (text: string) => `"${text.replace(/"/g, '\\"')}"`;

/** The ingress identity as `<namespace>/<service account>`. */
export function ingressNodeName(catalogue: ServiceCatalogue): string {
  return `${catalogue.ingress.namespace}/${catalogue.ingress.serviceAccount}`;
}

/**
 * Graphviz DOT of the call graph: allowed edges solid, labelled with the scopes the caller may use and the layers
 * that open them; every other ordered pair drawn as a dashed "closed" edge, labelled with the layers that close it.
 * Each service node names what its IAM role reaches, the third layer: a service's data is open to its role only.
 */
export function callGraphDot(catalogue: ServiceCatalogue, pairs: readonly CallPair[]): string {
  const lines = [
    'digraph calls {',
    '  rankdir=LR; nodesep=0.6; ranksep=1.6; bgcolor="transparent";',
    '  node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", color="#98a2b3", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  lines.push(
    `  ${quote(INGRESS)} [label=${quote(`API ingress\\n${ingressNodeName(catalogue)}\\n(API Gateway traffic)`)}, fillcolor="#fff4d6"];`,
  );
  for (const service of catalogue.services) {
    const owns = [service.table ? 'own table' : '', service.ownsDataPrefix ? `s3 prefix ${service.name}/` : ''].filter(Boolean).join(', ');
    lines.push(
      `  ${quote(service.name)} [label=${quote(`${service.name}\\nns ${service.namespace}, port ${service.port}\\nIAM: ${owns || 'no AWS data'}`)}];`,
    );
  }
  for (const pair of pairs) {
    const layers = Object.entries(pair.layers);
    if (pair.allowedByCatalogue) {
      const open = layers
        .filter(([, allows]) => allows)
        .map(([name]) => name)
        .join(' + ');
      lines.push(
        `  ${quote(pair.from)} -> ${quote(pair.to)} [color="#067647", penwidth=2, fontcolor="#054f31", label=${quote(`${pair.scopes.join(' ')}\\n${open}`)}];`,
      );
    } else {
      const closed = layers
        .filter(([, allows]) => !allows)
        .map(([name]) => name)
        .join(', ');
      lines.push(
        `  ${quote(pair.from)} -> ${quote(pair.to)} [color="#d92d20", style=dashed, fontcolor="#b42318", label=${quote(`closed: ${closed || 'NONE (open at every layer)'}`)}];`,
      );
    }
  }
  lines.push('}');
  return lines.join('\n');
}
