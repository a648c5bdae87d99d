import * as fs from 'fs';
import * as path from 'path';
import { IncidentContext, PodRef, readPod } from './context';

/** A file-system-safe timestamp, e.g. 20261204T193000Z. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The folder the evidence goes to: new under `out`; a name taken (same second) gets a numeric suffix, never reused. */
function newFolder(out: string, base: string, apply: boolean): string {
  for (let attempt = 0; ; attempt++) {
    const folder = path.join(out, attempt === 0 ? base : `${base}-${attempt}`);
    if (!apply) {
      if (!fs.existsSync(folder)) return folder;
      continue;
    }
    fs.mkdirSync(out, { recursive: true });
    try {
      fs.mkdirSync(folder);
      return folder;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * `collect <namespace>/<pod>`: the pod's spec and status, its events, and the logs of every container (and of the
 * previous instance of each that restarted), into a new timestamped folder under `out`. Reads the cluster only, and
 * never overwrites: each run writes a folder of its own.
 */
export async function collect(context: IncidentContext, ref: PodRef, out: string | undefined): Promise<void> {
  const kube = context.kube();
  const pod = await readPod(kube, ref);
  const stamp = fileTimestamp(context.now());
  const folder = newFolder(out ?? `incident-${stamp}`, `${ref.namespace}_${ref.name}_${stamp}`, context.steps.apply);
  const write = (file: string, why: string, content: () => Promise<string>) =>
    context.steps.change('write', path.join(folder, file), why, async () => {
      fs.writeFileSync(path.join(folder, file), await content(), { flag: 'wx' });
    });

  await write('pod.json', 'the pod as the API server has it (spec, status, labels)', async () => JSON.stringify(pod, null, 2));
  await write('events.json', 'events about the pod', async () => {
    const fieldSelector = `involvedObject.kind=Pod,involvedObject.name=${ref.name},involvedObject.namespace=${ref.namespace}`;
    return JSON.stringify((await kube.core.listNamespacedEvent({ namespace: ref.namespace, fieldSelector })).items, null, 2);
  });
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  for (const container of containers) {
    // A container that never started has no logs: say so in its file and go on collecting the rest.
    const logs = (previous: boolean) => () =>
      kube.core
        .readNamespacedPodLog({ name: ref.name, namespace: ref.namespace, container, previous, timestamps: true })
        .catch((err: Error) => `(no logs: ${err.message})\n`);
    await write(`${container}.log`, `logs of container ${container}`, logs(false));
    const restarts = statuses.find((s) => s.name === container)?.restartCount ?? 0;
    if (restarts > 0)
      await write(`${container}.previous.log`, `logs of ${container} before its last restart (${restarts} restarts)`, logs(true));
  }
}
