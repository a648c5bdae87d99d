import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';

/** The well-known node label of the node's availability zone. */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

/**
 * Spreads the workload's pods evenly across zones, so losing a zone loses at most a third of them.
 * `ScheduleAnyway`: with fewer zones than pods (dev) or during a zone outage, pods still schedule.
 * cdk8s-plus-27's `scheduling.spread` emits pod anti-affinity instead, which cannot say "evenly", so this is a
 * JSON patch typed by kubernetes-models.
 */
export function spreadAcrossZones(workload: kplus.Deployment, podLabels: Readonly<Record<string, string>>): void {
  const constraint: ITopologySpreadConstraint = {
    maxSkew: 1,
    topologyKey: ZONE_TOPOLOGY_KEY,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...podLabels } },
  };
  ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [constraint]));
}
