import { disruptionBudgetViolations } from '../../evidence/disruption-budgets';
import { clusterObjects, deniesPlainHttp, envValue, everyResourceHasPolicy, helmValues, ofKind, podSpecs, text } from './evidence-readers';
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
  {
    id: 'RES-3',
    title:
      'Capacity follows load within limits: every workload scales on CPU (up at once, down after a five-minute window), ' +
      "and Karpenter adds nodes for pending pods up to the node pool's CPU and memory limits, consolidating under a " +
      'disruption budget, from a controller that never runs on a node it manages',
    category: 'resilience',
    nist: ['SC-5', 'SC-6', 'CP-10'],
    implementedIn: ['lib/charts/service-chart.ts', 'lib/constructs/karpenter.ts', 'lib/stacks/cluster-stack.ts'],
    provenBy: { file: 'test/cluster/karpenter.test.ts', test: 'consolidation on, with a disruption budget' },
    evidence: capacityFollowsLoad,
  },
  {
    id: 'RES-4',
    title:
      'Interruptions drain nodes ahead of time: Spot interruption, rebalance, instance state-change and scheduled ' +
      "health events reach a KMS-encrypted, TLS-only queue that only this account's EventBridge may write and Karpenter reads",
    category: 'resilience',
    nist: ['CP-10', 'SC-6', 'SC-8'],
    implementedIn: ['lib/constructs/karpenter.ts', 'lib/constructs/platform-keys.ts'],
    provenBy: { file: 'test/cluster/karpenter.test.ts', test: 'only EventBridge of this account may send' },
    gateRules: ['PLATFORM_SQS_KMS_ENCRYPTED', 'SQS4'],
    evidence: interruptionsReachKarpenter,
  },
];

/** The EventBridge detail types a node autoscaler must act on before AWS takes an instance away. */
const INTERRUPTION_DETAIL_TYPES = [
  'EC2 Spot Instance Interruption Warning',
  'EC2 Instance Rebalance Recommendation',
  'EC2 Instance State-change Notification',
  'AWS Health Event',
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

export function capacityFollowsLoad({ assembly, manifests }: ControlEvidence): boolean {
  const autoscalers = ofKind(manifests, 'HorizontalPodAutoscaler');
  const pools = clusterObjects(assembly, 'NodePool');
  const controllers = helmValues(assembly, 'karpenter');
  return (
    autoscalers.length === ofKind(manifests, 'Deployment').length &&
    autoscalers.every((hpa) => {
      const { scaleUp, scaleDown } = hpa.spec.behavior ?? {};
      return (
        text(hpa.spec.metrics).includes('"name":"cpu"') &&
        scaleUp?.stabilizationWindowSeconds === 0 &&
        scaleDown?.stabilizationWindowSeconds >= 300
      );
    }) &&
    pools.length > 0 &&
    pools.every(
      (pool) =>
        pool.spec?.limits?.cpu !== undefined &&
        pool.spec.limits.memory !== undefined &&
        pool.spec.disruption?.consolidationPolicy !== undefined &&
        (pool.spec.disruption.budgets ?? []).length > 0,
    ) &&
    controllers.length > 0 &&
    controllers.every((values) =>
      (values.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).some((term: any) =>
        (term.matchExpressions ?? []).some((e: any) => e.key === 'karpenter.sh/nodepool' && e.operator === 'DoesNotExist'),
      ),
    )
  );
}

export function interruptionsReachKarpenter({ assembly }: ControlEvidence): boolean {
  const queues = assembly.ofType('AWS::SQS::Queue');
  const rules = assembly.ofType('AWS::Events::Rule');
  const controllers = helmValues(assembly, 'karpenter');
  const ruleFor = (detailType: string) =>
    rules.some(
      (rule) =>
        text(rule.properties.EventPattern?.['detail-type']).includes(detailType) &&
        queues.some((queue) => text(rule.properties.Targets).includes(`"${queue.logicalId}"`)),
    );
  return (
    queues.length > 0 &&
    queues.every((q) => q.properties.KmsMasterKeyId !== undefined) &&
    everyResourceHasPolicy(
      assembly,
      'AWS::SQS::Queue',
      'AWS::SQS::QueuePolicy',
      (policy) =>
        deniesPlainHttp(policy.PolicyDocument, ['sqs:*']) &&
        (policy.PolicyDocument.Statement ?? [])
          .filter((s: any) => s.Effect === 'Allow')
          .every((s: any) => s.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined),
    ) &&
    INTERRUPTION_DETAIL_TYPES.every(ruleFor) &&
    controllers.length > 0 &&
    controllers.every((values) => typeof values.settings?.interruptionQueue === 'string')
  );
}
