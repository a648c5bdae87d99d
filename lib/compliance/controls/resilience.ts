import { disruptionBudgetViolations } from '../../evidence/disruption-budgets';
import { envValue, ofKind, podSpecs } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

export const RESILIENCE_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'RES-1',
    title:
      'Pods leave without dropping requests: a preStop sleep outlasts endpoint (and load balancer) removal, the service ' +
      'then drains, and SIGKILL comes only after the sleep and the drain deadline',
    category: 'resilience',
    nist: ['SC-5', 'CP-10'],
    implementedIn: ['lib/charts/graceful-shutdown.ts', 'lib/charts/service-chart.ts', 'services/shared/src/http/request-front.ts'],
    provenBy: { file: 'test/charts/graceful-shutdown.test.ts', test: 'SIGKILL comes after the sleep and the drain' },
    evidence: podsDrainBeforeKill,
  },
  {
    id: 'RES-2',
    title:
      'Nodes can always be drained: every workload has exactly one PodDisruptionBudget, and it allows an eviction at ' +
      "the autoscaler's minimum replica count",
    category: 'resilience',
    nist: ['CP-10', 'SI-2'],
    implementedIn: ['lib/charts/service-chart.ts', 'lib/evidence/disruption-budgets.ts'],
    provenBy: { file: 'test/charts/disruption-budgets.test.ts', test: 'blocks every drain' },
    evidence: workloadsCanBeDrained,
  },
];

export function podsDrainBeforeKill({ manifests }: ControlEvidence): boolean {
  return (
    podSpecs(manifests).length > 0 &&
    podSpecs(manifests).every((spec) =>
      (spec.containers as any[]).every((c) => {
        const sleep = Number(c.lifecycle?.preStop?.sleep?.seconds);
        const drain = Number(envValue(c, 'SHUTDOWN_GRACE_MS')) / 1000;
        return sleep > 0 && drain > 0 && spec.terminationGracePeriodSeconds > sleep + drain;
      }),
    )
  );
}

export function workloadsCanBeDrained({ manifests }: ControlEvidence): boolean {
  return ofKind(manifests, 'Deployment').length > 0 && disruptionBudgetViolations(manifests).length === 0;
}
