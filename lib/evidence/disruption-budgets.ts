import type { Manifest } from './access-layers';

/**
 * A PodDisruptionBudget that leaves no voluntary eviction possible at the workload's smallest size blocks node
 * drains (upgrades, consolidation, spot rebalancing) for as long as the workload stays that small: the eviction API
 * answers 429 and `kubectl drain` or a node autoscaler waits forever. This reads the rendered objects and reports
 * each budget that would, and each workload without a budget (any drain may then take every replica at once).
 */

/** One workload whose disruption budget is missing or admits no eviction at its minimum replica count. */
export interface DisruptionBudgetViolation {
  /** The workload, as `namespace/name`. */
  readonly workload: string;
  readonly problem: string;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined && Object.entries(selector).every(([key, value]) => labels[key] === value);

/**
 * How many of `replicas` pods a budget lets be evicted at once. Kubernetes' disruption controller scales a
 * percentage to a pod count rounding up, for minAvailable and maxUnavailable alike.
 */
export function evictionsAllowed(budget: Manifest, replicas: number): number {
  const { minAvailable, maxUnavailable } = budget.spec ?? {};
  const pods = (value: unknown) =>
    typeof value === 'number' ? value : Math.ceil((replicas * Number(String(value).replace(/%$/, ''))) / 100);
  if (maxUnavailable !== undefined) return Math.max(0, pods(maxUnavailable));
  if (minAvailable !== undefined) return Math.max(0, replicas - pods(minAvailable));
  return replicas;
}

/** Every Deployment whose budget is missing or blocks all voluntary evictions at the autoscaler's minimum. */
export function disruptionBudgetViolations(manifests: readonly Manifest[]): DisruptionBudgetViolation[] {
  const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
  return ofKind('Deployment').flatMap((deployment): DisruptionBudgetViolation[] => {
    const { namespace, name } = deployment.metadata;
    const workload = `${namespace}/${name}`;
    const labels: Record<string, string> = deployment.spec.template.metadata.labels ?? {};
    const autoscaler = ofKind('HorizontalPodAutoscaler').find(
      (hpa) =>
        hpa.metadata.namespace === namespace && hpa.spec.scaleTargetRef?.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === name,
    );
    const minimum: number = autoscaler?.spec.minReplicas ?? deployment.spec.replicas ?? 1;
    const budgets = ofKind('PodDisruptionBudget').filter(
      (pdb) => pdb.metadata.namespace === namespace && matches(pdb.spec?.selector?.matchLabels, labels),
    );
    if (budgets.length === 0)
      return [{ workload, problem: 'no PodDisruptionBudget selects its pods: a drain may evict every replica at once' }];
    if (budgets.length > 1)
      return [{ workload, problem: `${budgets.length} PodDisruptionBudgets select its pods: the eviction API refuses every eviction` }];
    if (evictionsAllowed(budgets[0], minimum) < 1) {
      return [
        {
          workload,
          problem:
            `its PodDisruptionBudget ${budgets[0].metadata.name} allows no eviction at ${minimum} replica(s) (the autoscaler's minimum): ` +
            'node drains wait forever; lower minAvailable below minReplicas or set maxUnavailable to at least 1',
        },
      ];
    }
    return [];
  });
}
