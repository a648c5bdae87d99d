import { HELM_CHART_TYPE, KUBERNETES_MANIFEST_TYPE, parseJson, TOKEN_PLACEHOLDER } from './cluster-resources';
import { StackTemplate, walkJson } from './stack-templates';

/** A place in the synthesized output that would make the cluster reach something outside the account and AWS. */
export interface ExternalReference {
  /** `<stack>/<path in the template>` (inside a manifest or chart values: the path in the parsed JSON after it). */
  readonly path: string;
  readonly value: string;
}

/** Keys whose string value names where an image comes from, in chart values and Kubernetes objects (`…Image` too). */
const isImageKey = (key: string) => ['image', 'repository', 'hub', 'registry'].includes(key) || /Image$/.test(key);

/**
 * Every chart repository, image reference and URL of what the cluster is given (the Helm charts the kubectl handler
 * installs, with their values, and the Kubernetes manifests it applies) that points anywhere but the account's own ECR
 * registry (`registryHost`; images from nowhere else), an AWS endpoint of its region or a Service inside the cluster: what a
 * cluster without an internet path could not reach. A deploy-time value stands for a reference of the platform's own
 * (a repository URI of the Data stack) and is not judged.
 */
export function externalReferences(stacks: readonly StackTemplate[], registryHost: string): ExternalReference[] {
  const found: ExternalReference[] = [];
  // The registry host names the region (`<account>.dkr.ecr.<region>.amazonaws.com`): only that region's endpoints are
  // in the VPC, and images come from the account's own registry alone.
  const region = registryHost.split('.')[3];
  const reachable = (host: string) =>
    host === registryHost || host.endsWith(`.${region}.amazonaws.com`) || host.endsWith('.svc') || host.endsWith('.svc.cluster.local');
  const judge = (path: string, key: string | undefined, value: string) => {
    if (value.includes(TOKEN_PLACEHOLDER)) return;
    for (const match of value.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^/\s"'?#:]+)/gi)) {
      if (!reachable(match[1].toLowerCase())) found.push({ path, value });
    }
    // An image or registry value names its host before the first slash (`docker.io/istio`, `quay.io/jetstack/x:1`).
    if (key !== undefined && isImageKey(key) && !value.includes('://')) {
      const host = value.includes('/') ? value.split('/')[0] : undefined;
      if (host !== registryHost) found.push({ path, value });
    }
  };
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      const at = `${stack.id}/Resources/${logicalId}`;
      const embedded = resource.Type === KUBERNETES_MANIFEST_TYPE ? 'Manifest' : resource.Type === HELM_CHART_TYPE ? 'Values' : undefined;
      if (embedded === undefined) continue;
      for (const { node, path } of walkJson(resource.Properties ?? {})) {
        // The chart repository is judged below: it must be the mirror, not merely reachable.
        if (path[0] === embedded || path[0] === 'Repository') continue;
        if (typeof node === 'string') judge(`${at}/Properties/${path.join('/')}`, keyOf(path), node);
      }
      if (resource.Type === HELM_CHART_TYPE) {
        const repository = resource.Properties?.Repository;
        if (typeof repository === 'string' && !repository.startsWith(`oci://${registryHost}/`)) {
          found.push({ path: `${at}/Properties/Repository`, value: repository });
        }
      }
      const parsed = parseJson(resource.Properties?.[embedded]).json;
      for (const { node, path } of walkJson(parsed)) {
        if (typeof node === 'string') judge(`${at}/Properties/${embedded} ${path.join('.')}`, keyOf(path), node);
      }
    }
  }
  return found;
}

/** The object key a value sits under (past array indexes). */
function keyOf(path: readonly string[]): string | undefined {
  return [...path].reverse().find((part) => !/^\d+$/.test(part));
}
