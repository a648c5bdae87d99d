import { PatchStrategy, setHeaderOptions, V1Pod, V1Service } from '@kubernetes/client-node';
import { QUARANTINE_LABEL } from '../../lib/charts/quarantine-label';
import { IncidentContext, PodRef, readPod } from './context';

/** JSON merge patches: `null` removes a label. */
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * The pod's label changes: add the quarantine label, and remove every label a Service of its namespace selects it by.
 * Without those labels the Service drops it from its endpoints, its ReplicaSet lets it go (and starts a replacement),
 * and the allow policies that select the same labels (the service's NetworkPolicy, the mesh's ALLOW policies) no longer
 * apply, so the quarantine policies alone decide its traffic.
 */
export function quarantineLabelChanges(
  labels: Readonly<Record<string, string>>,
  services: readonly Pick<V1Service, 'metadata' | 'spec'>[],
): { readonly add: boolean; readonly remove: readonly string[]; readonly services: readonly string[] } {
  const selecting = services.filter((service) => {
    const selector = Object.entries(service.spec?.selector ?? {});
    return selector.length > 0 && selector.every(([key, value]) => labels[key] === value);
  });
  const remove = [...new Set(selecting.flatMap((service) => Object.keys(service.spec!.selector!)))].sort();
  return { add: labels[QUARANTINE_LABEL.key] !== QUARANTINE_LABEL.value, remove, services: selecting.map((s) => s.metadata!.name!) };
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
  const services = (await kube.listNamespacedService({ namespace: ref.namespace })).items;
  const changes = quarantineLabelChanges(labels, services);
  const target = `${ref.namespace}/${ref.name}`;
  const label = `${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value}`;
  const patchLabels = (patch: Record<string, string | null>) =>
    kube.patchNamespacedPod({ name: ref.name, namespace: ref.namespace, body: { metadata: { labels: patch } } }, MERGE_PATCH);
  const { steps } = context;

  if (!changes.add) steps.unchanged('label-pod', target, `already labelled ${label}`);
  else
    await steps.change('label-pod', target, `label ${label}: the quarantine NetworkPolicy (and mesh DENY) take all its traffic`, () =>
      patchLabels({ [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value }),
    );

  if (changes.remove.length === 0) steps.unchanged('remove-from-service', target, 'no Service selects the pod');
  else
    await steps.change(
      'remove-from-service',
      target,
      `remove labels ${changes.remove.join(', ')} selected by Service ${changes.services.join(', ')}: ` +
        'out of its endpoints and allow policies; its ReplicaSet starts a replacement, this pod keeps running',
      () => patchLabels(Object.fromEntries(changes.remove.map((key) => [key, null]))),
    );

  const nodeName = pod.spec?.nodeName;
  if (!nodeName) {
    steps.unchanged('cordon-node', '-', 'the pod is not scheduled on a node');
    return;
  }
  const node = await kube.readNode({ name: nodeName });
  if (node.spec?.unschedulable) steps.unchanged('cordon-node', nodeName, 'already cordoned');
  else
    await steps.change('cordon-node', nodeName, 'cordon: no new pods beside the quarantined one (running pods stay)', () =>
      kube.patchNode({ name: nodeName, body: { spec: { unschedulable: true } } }, MERGE_PATCH),
    );
}
