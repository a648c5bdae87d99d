import type { V1NetworkPolicy, V1Pod, V1Service } from '@kubernetes/client-node';
import { QUARANTINE_LABEL } from '../../lib/charts/quarantine-label';
import { IncidentContext, PodRef, readPod } from './context';

/** What selects pods by label in a namespace: its Services (`spec.selector`) and NetworkPolicies (`spec.podSelector`). */
export interface Selectors {
  readonly services: readonly Pick<V1Service, 'metadata' | 'spec'>[];
  readonly networkPolicies: readonly Pick<V1NetworkPolicy, 'metadata' | 'spec'>[];
}

/**
 * The pod's label changes: add the quarantine label, and remove every label by which a Service or an allow
 * NetworkPolicy selects it. NetworkPolicies only add allowances, so the quarantine policy isolates the pod only once no
 * other selects it; without those labels the Service also drops it from its endpoints, and its ReplicaSet lets it go
 * (and starts a replacement). Selectors with expressions are left alone: the platform's default-deny is one, and it
 * skips quarantined pods by itself.
 */
export function quarantineLabelChanges(
  labels: Readonly<Record<string, string>>,
  selectors: Selectors,
): { readonly add: boolean; readonly remove: readonly string[]; readonly selectedBy: readonly string[] } {
  const selecting = [
    ...selectors.services.map((s) => ({ name: `Service ${s.metadata?.name}`, matchLabels: s.spec?.selector ?? {} })),
    ...selectors.networkPolicies.map((p) => ({
      name: `NetworkPolicy ${p.metadata?.name}`,
      matchLabels: p.spec?.podSelector?.matchLabels ?? {},
    })),
  ].filter(({ matchLabels }) => {
    const entries = Object.entries(matchLabels);
    return entries.length > 0 && !(QUARANTINE_LABEL.key in matchLabels) && entries.every(([key, value]) => labels[key] === value);
  });
  const remove = [...new Set(selecting.flatMap(({ matchLabels }) => Object.keys(matchLabels)))].sort();
  return { add: labels[QUARANTINE_LABEL.key] !== QUARANTINE_LABEL.value, remove, selectedBy: selecting.map((s) => s.name) };
}

/**
 * `quarantine-pod <namespace>/<pod>`: cut the pod's traffic but keep it running for forensics. Labels it (the
 * pre-installed quarantine policies then deny it everything), removes it from its Service, and cordons its node so
 * nothing new is scheduled beside it.
 */
export async function quarantinePod(context: IncidentContext, ref: PodRef): Promise<void> {
  const kube = context.kube();
  const pod: V1Pod = await readPod(kube, ref);
  const labels = pod.metadata?.labels ?? {};
  const changes = quarantineLabelChanges(labels, {
    services: (await kube.core.listNamespacedService({ namespace: ref.namespace })).items,
    networkPolicies: (await kube.networking.listNamespacedNetworkPolicy({ namespace: ref.namespace })).items,
  });
  const target = `${ref.namespace}/${ref.name}`;
  const label = `${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value}`;
  const patchLabels = (patch: Record<string, string | null>) =>
    kube.core.patchNamespacedPod({ name: ref.name, namespace: ref.namespace, body: { metadata: { labels: patch } } }, kube.mergePatch);
  const { steps } = context;

  if (!changes.add) steps.unchanged('label-pod', target, `already labelled ${label}`);
  else
    await steps.change('label-pod', target, `label ${label}: the quarantine NetworkPolicy (and mesh DENY) take all its traffic`, () =>
      patchLabels({ [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value }),
    );

  if (changes.remove.length === 0) steps.unchanged('remove-from-service', target, 'no Service or allow NetworkPolicy selects the pod');
  else
    await steps.change(
      'remove-from-service',
      target,
      `remove labels ${changes.remove.join(', ')} (selected by ${changes.selectedBy.join(', ')}): ` +
        'out of its endpoints and allow policies; its ReplicaSet starts a replacement, this pod keeps running',
      () => patchLabels(Object.fromEntries(changes.remove.map((key) => [key, null]))),
    );

  const nodeName = pod.spec?.nodeName;
  if (!nodeName) {
    steps.unchanged('cordon-node', '-', 'the pod is not scheduled on a node');
    return;
  }
  const node = await kube.core.readNode({ name: nodeName });
  if (node.spec?.unschedulable) steps.unchanged('cordon-node', nodeName, 'already cordoned');
  else
    await steps.change('cordon-node', nodeName, 'cordon: no new pods beside the quarantined one (running pods stay)', () =>
      kube.core.patchNode({ name: nodeName, body: { spec: { unschedulable: true } } }, kube.mergePatch),
    );
}
