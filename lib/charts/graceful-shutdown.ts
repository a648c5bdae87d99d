import { JsonPatch } from 'cdk8s';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ILifecycle } from 'kubernetes-models/v1/Lifecycle';

/**
 * When a pod is deleted (a rolling restart, a scale-in, a node drain), two things start at once and do not wait
 * for each other: the pod leaves its Services' endpoints (and, for the edge, the load balancer's target group),
 * and the kubelet stops the container. Without a pause the container stops first and refuses connections still
 * routed to it. So, counted from the deletion:
 *
 * 1. preStop sleep: the container keeps serving normally while kube-proxy, ztunnel and the load balancer
 *    controller stop sending it new connections;
 * 2. SIGTERM: the service fails /readyz, stops accepting, answers in-flight and keep-alive requests with
 *    `connection: close`, and cuts what is left after SHUTDOWN_GRACE_MS;
 * 3. SIGKILL at terminationGracePeriodSeconds, which must come after both.
 *
 * The sleep is the `sleep` lifecycle action, run by the kubelet: the images are distroless, with no shell or
 * `sleep` binary for an exec hook. It is on by default since Kubernetes 1.30 (beta) and GA in 1.34 (KEP-3960).
 */

/** How often the kubelet probes readiness. */
export const READINESS_PERIOD_SECONDS = 5;

/** Failed readiness probes in a row that take the pod out of its Services' endpoints. */
export const READINESS_FAILURE_THRESHOLD = 2;

/** Time for kube-proxy and ztunnel on every node to apply an endpoint change the EndpointSlice already shows. */
export const ENDPOINT_PROPAGATION_SECONDS = 5;

/**
 * How long a Network Load Balancer keeps opening new connections to an IP target after its deregistration
 * started: about two minutes whatever the deregistration delay, as measured in
 * kubernetes-sigs/aws-load-balancer-controller#2366 and #3270 (where the maintainers place the cause in the NLB)
 * and aws/containers-roadmap#470. The target group's deregistration delay only bounds existing connections.
 */
export const NLB_DEREGISTRATION_PROPAGATION_SECONDS = 120;

/** The AWS Load Balancer Controller's part before that: seeing the endpoint change and calling DeregisterTargets. */
export const TARGET_DEREGISTRATION_CALL_SECONDS = 10;

/** The services' drain deadline after SIGTERM, set as SHUTDOWN_GRACE_MS (also the services' own default). */
export const SHUTDOWN_GRACE_SECONDS = 20;

/**
 * From the drain deadline to the process exiting: closing the health listener and the peer connection pools (a peer
 * call still in flight at the deadline is abandoned, not waited for: services/shared/src/http/request-front.ts).
 */
export const EXIT_MARGIN_SECONDS = 5;

export interface ShutdownTiming {
  /** The preStop sleep: until no new connection can reach the pod. */
  readonly preStopSleepSeconds: number;
  /** Deletion to SIGKILL: the sleep, the drain deadline and the exit margin. */
  readonly terminationGracePeriodSeconds: number;
}

/**
 * The shutdown timing of a workload. The sleep outlasts the slowest way its endpoint can leave: the readiness
 * probe's detection time plus propagation to the nodes (deletion itself is quicker: the endpoint is marked
 * terminating at once); for a load balancer target, also the NLB's deregistration.
 */
export function shutdownTiming(loadBalancerTarget: boolean): ShutdownTiming {
  const endpointRemoval = READINESS_PERIOD_SECONDS * READINESS_FAILURE_THRESHOLD + ENDPOINT_PROPAGATION_SECONDS;
  const preStopSleepSeconds = loadBalancerTarget
    ? Math.max(endpointRemoval, TARGET_DEREGISTRATION_CALL_SECONDS + NLB_DEREGISTRATION_PROPAGATION_SECONDS)
    : endpointRemoval;
  return { preStopSleepSeconds, terminationGracePeriodSeconds: preStopSleepSeconds + SHUTDOWN_GRACE_SECONDS + EXIT_MARGIN_SECONDS };
}

/**
 * The rendered Deployment with the preStop sleep on every container. It is added to the rendered manifest rather
 * than as a JSON patch on the cdk8s-plus Deployment: cdk8s-plus-27's Kubernetes 1.27 model has no `sleep` action
 * and drops fields it does not know after applying patches (cdk8s-team/cdk8s#2172). The models of cdk8s-plus-30
 * and later have the action, so after moving to one of them a JSON patch on the Deployment can replace this.
 */
export function withPreStopSleep(deployment: IDeployment, timing: ShutdownTiming): IDeployment {
  const lifecycle: ILifecycle = { preStop: { sleep: { seconds: timing.preStopSleepSeconds } } };
  const containers = deployment.spec?.template.spec?.containers ?? [];
  return JsonPatch.apply(
    deployment,
    ...containers.map((_, index) => JsonPatch.add(`/spec/template/spec/containers/${index}/lifecycle`, lifecycle)),
  );
}
