import { disruptionBudgetViolations, evictionsAllowed } from '../../lib/evidence/disruption-budgets';
import { SUPPORTED_CONFIGURATIONS } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';
import { Manifest } from './support/chart-fixture';

/** Every workload chart of a configuration as rendered, from its one shared synthesis. */
function manifestsOf(configuration: string): Manifest[] {
  const charts = synthesizedConfiguration(configuration).workloads;
  return [charts.baseline, ...Object.values(charts.services), ...(charts.edge ? [charts.edge] : [])].flat() as Manifest[];
}

describe.each(Object.keys(SUPPORTED_CONFIGURATIONS))('%s', (configuration) => {
  const manifests = manifestsOf(configuration);

  test('every workload has one disruption budget that allows an eviction at the autoscaler minimum', () => {
    expect(manifests.filter((m) => m.kind === 'Deployment').length).toBeGreaterThan(0);
    expect(disruptionBudgetViolations(manifests)).toEqual([]);
  });

  test('autoscalers scale on CPU, with a scale-down stabilization window so a dip does not drop replicas at once', () => {
    const autoscalers = manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler');
    expect(autoscalers.length).toBe(manifests.filter((m) => m.kind === 'Deployment').length);
    for (const hpa of autoscalers) {
      expect(hpa.spec.metrics.map((metric: any) => metric.resource?.name)).toContain('cpu');
      expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(60);
    }
  });
});

describe('the check can fail', () => {
  const manifests = manifestsOf('dev');
  const withBudgets = (change: (budget: Manifest) => Manifest | undefined) =>
    manifests.flatMap((m) => (m.kind === 'PodDisruptionBudget' ? (change(structuredClone(m)) ?? []) : [m]));

  test('a budget that keeps every replica (minAvailable 100%) blocks every drain', () => {
    const blocking = withBudgets((pdb) => ({ ...pdb, spec: { selector: pdb.spec.selector, minAvailable: '100%' } }));
    expect(disruptionBudgetViolations(blocking).map((v) => v.problem)).toEqual(
      manifests.filter((m) => m.kind === 'Deployment').map(() => expect.stringContaining('allows no eviction at')),
    );
  });

  test('maxUnavailable 0, a missing budget and two overlapping budgets are each reported', () => {
    expect(disruptionBudgetViolations(withBudgets((pdb) => ({ ...pdb, spec: { ...pdb.spec, maxUnavailable: 0 } })))).not.toEqual([]);
    expect(disruptionBudgetViolations(withBudgets(() => undefined)).map((v) => v.problem)).toContainEqual(
      expect.stringContaining('no PodDisruptionBudget selects its pods'),
    );
    const doubled = [
      ...manifests,
      ...manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((pdb) => ({ ...pdb, metadata: { ...pdb.metadata, name: 'extra' } })),
    ];
    expect(disruptionBudgetViolations(doubled).map((v) => v.problem)).toContainEqual(expect.stringContaining('2 PodDisruptionBudgets'));
  });

  test.each([
    [{ maxUnavailable: 1 }, 2, 1],
    [{ maxUnavailable: '50%' }, 3, 2],
    [{ minAvailable: '50%' }, 3, 1],
    [{ minAvailable: 3 }, 3, 0],
  ])('budget %j at %d replicas allows %d evictions', (spec, replicas, allowed) => {
    expect(evictionsAllowed({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b' }, spec }, replicas)).toBe(
      allowed,
    );
  });
});
