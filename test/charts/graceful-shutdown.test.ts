import {
  ENDPOINT_PROPAGATION_SECONDS,
  NLB_DEREGISTRATION_PROPAGATION_SECONDS,
  TARGET_DEREGISTRATION_CALL_SECONDS,
} from '../../lib/charts/graceful-shutdown';
import { helmReleases } from '../../lib/evidence/cluster-resources';
import { stackTemplates } from '../../lib/evidence/stack-templates';
import { SUPPORTED_CONFIGURATIONS } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';
import { Manifest, ofKind } from './support/chart-fixture';

// A rolling restart fails no request only if, for every pod the platform runs, the numbers come in this order:
// endpoint removal (and for the load balancer's targets, NLB deregistration) <= preStop sleep, and
// preStop sleep + drain deadline < termination grace period. Checked on the manifests of every configuration.

const CONFIGURATIONS = SUPPORTED_CONFIGURATIONS;

interface Workload {
  readonly configuration: string;
  readonly name: string;
  readonly podSpec: Manifest['spec'];
  /** Whether a TargetGroupBinding's Service selects its pods, so the NLB opens connections to them directly. */
  readonly loadBalancerTarget: boolean;
}

function workloadsOf(configuration: string): Workload[] {
  // The workload charts as Testing.synth renders them, from the configuration's one shared synthesis.
  const charts = synthesizedConfiguration(configuration).workloads;
  const bindings = ofKind(charts.baseline as Manifest[], 'TargetGroupBinding');
  const serviceCharts = [...Object.values(charts.services), ...(charts.edge ? [charts.edge] : [])];
  return serviceCharts.map((rendered) => {
    const manifests = rendered as Manifest[];
    const deployment = ofKind(manifests, 'Deployment')[0];
    const podLabels: Record<string, string> = deployment.spec.template.metadata.labels;
    const selectsPods = (binding: Manifest) =>
      ofKind(manifests, 'Service', binding.spec.serviceRef.name, binding.metadata.namespace).some((service) =>
        Object.entries(service.spec.selector).every(([key, value]) => podLabels[key] === value),
      );
    return {
      configuration,
      name: deployment.metadata.name,
      podSpec: deployment.spec.template.spec,
      loadBalancerTarget: bindings.some(selectsPods),
    };
  });
}

const workloads = Object.keys(CONFIGURATIONS).flatMap(workloadsOf);

const container = (workload: Workload) => workload.podSpec.containers[0];
const preStopSleep = (workload: Workload): number => container(workload).lifecycle?.preStop?.sleep?.seconds;
const shutdownGraceSeconds = (workload: Workload): number => {
  const variable = container(workload).env.find((e: { name: string }) => e.name === 'SHUTDOWN_GRACE_MS');
  return Number(variable?.value) / 1000;
};

test("every configuration runs its services, and native mode the edge as the load balancer's target", () => {
  for (const configuration of Object.keys(CONFIGURATIONS)) {
    expect(workloads.filter((w) => w.configuration === configuration).map((w) => w.name)).toEqual(
      expect.arrayContaining(['orders', 'inventory']),
    );
  }
  expect(workloads.filter((w) => w.loadBalancerTarget).map((w) => `${w.configuration}: ${w.name}`)).toEqual([
    'native mTLS: ingress-gateway',
  ]);
});

describe.each(workloads.map((w) => [`${w.configuration}: ${w.name}`, w] as const))('%s', (_name, workload) => {
  test("sleeps before SIGTERM with the kubelet's sleep action (the distroless image has no shell for an exec hook)", () => {
    expect(container(workload).lifecycle.preStop).toEqual({ sleep: { seconds: expect.any(Number) } });
    expect(Number.isInteger(preStopSleep(workload)) && preStopSleep(workload) > 0).toBe(true);
  });

  test('the sleep outlasts endpoint removal: readiness probe period × failure threshold, plus propagation to the nodes', () => {
    const { periodSeconds, failureThreshold } = container(workload).readinessProbe;
    expect(Number.isInteger(periodSeconds) && Number.isInteger(failureThreshold)).toBe(true);
    expect(preStopSleep(workload)).toBeGreaterThanOrEqual(periodSeconds * failureThreshold + ENDPOINT_PROPAGATION_SECONDS);
  });

  test('a load balancer target sleeps until the NLB stops opening connections to it', () => {
    const deregistration = workload.loadBalancerTarget ? TARGET_DEREGISTRATION_CALL_SECONDS + NLB_DEREGISTRATION_PROPAGATION_SECONDS : 0;
    expect(preStopSleep(workload)).toBeGreaterThanOrEqual(deregistration);
  });

  test('the drain deadline is set explicitly, and SIGKILL comes after the sleep and the drain', () => {
    expect(shutdownGraceSeconds(workload)).toBeGreaterThan(0);
    expect(workload.podSpec.terminationGracePeriodSeconds).toBeGreaterThan(preStopSleep(workload) + shutdownGraceSeconds(workload));
  });
});

// In ambient mode the load balancer's target is Istio's gateway, a Helm release of the Cluster stack: the same order
// holds for its proxy, whose drain after SIGTERM is pilot-agent's terminationDrainDuration (5 s by default).
const ISTIO_TERMINATION_DRAIN_SECONDS = 5;
const gatewayReleases = Object.keys(CONFIGURATIONS).flatMap((configuration) =>
  helmReleases(stackTemplates(synthesizedConfiguration(configuration).assembly))
    .filter((release) => release.chart === 'gateway')
    .map((release) => [`${configuration}: ${release.namespace}/${String(release.chart)}`, release.values ?? {}] as const),
);

test('every ambient configuration runs the gateway chart as the load balancer target', () => {
  expect(gatewayReleases.map(([name]) => name.split(':')[0])).toEqual(
    Object.keys(CONFIGURATIONS).filter(
      (configuration) => !workloads.some((w) => w.configuration === configuration && w.loadBalancerTarget),
    ),
  );
});

describe.each(gatewayReleases)('%s (Istio gateway)', (_name, values) => {
  test('sleeps before SIGTERM until the NLB stops opening connections to it', () => {
    expect(values.lifecycle?.preStop?.sleep?.seconds).toBeGreaterThanOrEqual(
      TARGET_DEREGISTRATION_CALL_SECONDS + NLB_DEREGISTRATION_PROPAGATION_SECONDS,
    );
  });

  test("SIGKILL comes after the sleep and the proxy's drain", () => {
    expect(values.terminationGracePeriodSeconds).toBeGreaterThan(values.lifecycle.preStop.sleep.seconds + ISTIO_TERMINATION_DRAIN_SECONDS);
  });
});
