import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { ICapabilities } from 'kubernetes-models/v1/Capabilities';
import type { ISeccompProfile } from 'kubernetes-models/v1/SeccompProfile';

/**
 * The Pod Security Standards `restricted` profile, as settings for cdk8s-plus workloads.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */

/** UID and GID the services run as: the `nonroot` user of distroless images, far from any host account. */
export const NON_ROOT_ID = 65532;

/** Non-root, read-only root filesystem, no privilege escalation, not privileged. */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: NON_ROOT_ID,
  group: NON_ROOT_ID,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
};

/** Non-root at pod level too, so a container added later without a security context still cannot run as root. */
export const RESTRICTED_POD_SECURITY_CONTEXT: kplus.PodSecurityContextProps = {
  ensureNonRoot: true,
  user: NON_ROOT_ID,
  group: NON_ROOT_ID,
  fsGroup: NON_ROOT_ID,
};

/** The container runtime's default syscall filter; `restricted` requires it (or Localhost). */
export const RUNTIME_DEFAULT_SECCOMP: ISeccompProfile = { type: 'RuntimeDefault' };

/** `restricted` requires dropping ALL capabilities (it allows adding back only NET_BIND_SERVICE, which we do not need). */
export const DROP_ALL_CAPABILITIES: ICapabilities = { drop: ['ALL'] };

/**
 * Adds the two `restricted` controls cdk8s-plus-27 cannot express as typed fields: a pod seccomp profile and
 * `capabilities.drop: [ALL]` (its `Capability` enum has no `ALL`). They are JSON patches typed by kubernetes-models;
 * cdk8s-plus-33 has both fields, so moving to it replaces this function with two props.
 * Call it after every container is added.
 */
export function applyRestrictedProfile(workload: kplus.Deployment): void {
  const resource = ApiObject.of(workload);
  resource.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', RUNTIME_DEFAULT_SECCOMP));
  workload.containers.forEach((_, index) => {
    resource.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${index}/securityContext/capabilities`, DROP_ALL_CAPABILITIES));
  });
}
