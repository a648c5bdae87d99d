/**
 * The Pod Security Standards `restricted` profile (which includes `baseline`), one check per control, as listed at
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (v1.35). No maintained checker runs
 * offline here, so the test suite carries its own; each control has a failing case in the tests.
 */

/** A pod spec as synthesized (loosely typed: the point is to catch what the types would let through). */
export type PodSpec = Record<string, any>;

export type Control =
  | 'HostProcess'
  | 'Host Namespaces'
  | 'Privileged Containers'
  | 'Capabilities (baseline)'
  | 'HostPath Volumes'
  | 'Host Ports'
  | 'AppArmor'
  | 'SELinux'
  | '/proc Mount Type'
  | 'Seccomp (baseline)'
  | 'Sysctls'
  | 'Volume Types'
  | 'Privilege Escalation'
  | 'Running as Non-root'
  | 'Running as Non-root user'
  | 'Seccomp (restricted)'
  | 'Capabilities (restricted)';

export interface Violation {
  readonly control: Control;
  readonly where: string;
}

const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const SELINUX_TYPES = [undefined, '', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const RESTRICTED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Every container of the pod, named by its JSON path. */
function containersOf(pod: PodSpec): Array<[string, Record<string, any>]> {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    (pod[field] ?? []).map((c: Record<string, any>, i: number): [string, Record<string, any>] => [`${field}[${i}]`, c]),
  );
}

/** The violations of `restricted` in a pod spec (with the pod's annotations, for the AppArmor annotation form). */
export function restrictedViolations(pod: PodSpec, annotations: Record<string, string> = {}): Violation[] {
  const violations: Violation[] = [];
  const flag = (ok: boolean, control: Control, where: string) => {
    if (!ok) violations.push({ control, where });
  };
  const podContext = pod.securityContext ?? {};
  const containers = containersOf(pod);
  const contexts: Array<[string, Record<string, any>]> = [
    ['securityContext', podContext],
    ...containers.map(([at, c]): [string, Record<string, any>] => [`${at}.securityContext`, c.securityContext ?? {}]),
  ];

  for (const [at, context] of contexts) {
    flag(context.windowsOptions?.hostProcess !== true, 'HostProcess', `${at}.windowsOptions.hostProcess`);
    flag([undefined, 'RuntimeDefault', 'Localhost'].includes(context.appArmorProfile?.type), 'AppArmor', `${at}.appArmorProfile`);
    const se = context.seLinuxOptions ?? {};
    flag(SELINUX_TYPES.includes(se.type) && se.user === undefined && se.role === undefined, 'SELinux', `${at}.seLinuxOptions`);
    flag(context.seccompProfile?.type !== 'Unconfined', 'Seccomp (baseline)', `${at}.seccompProfile`);
    flag(context.runAsNonRoot !== false, 'Running as Non-root', `${at}.runAsNonRoot`);
    flag(context.runAsUser !== 0, 'Running as Non-root user', `${at}.runAsUser`);
  }
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) flag(pod[field] !== true, 'Host Namespaces', field);
  for (const [key, value] of Object.entries(annotations)) {
    flag(
      !key.startsWith('container.apparmor.security.beta.kubernetes.io/') || value === 'runtime/default' || value.startsWith('localhost/'),
      'AppArmor',
      `metadata.annotations.${key}`,
    );
  }
  for (const sysctl of podContext.sysctls ?? [])
    flag(SAFE_SYSCTLS.includes(sysctl.name), 'Sysctls', `securityContext.sysctls.${sysctl.name}`);
  (pod.volumes ?? []).forEach((volume: Record<string, any>, i: number) => {
    flag(volume.hostPath === undefined, 'HostPath Volumes', `volumes[${i}]`);
    const sources = Object.keys(volume).filter((key) => key !== 'name');
    flag(
      sources.every((source) => RESTRICTED_VOLUME_SOURCES.includes(source)),
      'Volume Types',
      `volumes[${i}]`,
    );
  });

  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(podContext.seccompProfile?.type);
  for (const [at, container] of containers) {
    const context = container.securityContext ?? {};
    flag(context.privileged !== true, 'Privileged Containers', `${at}.securityContext.privileged`);
    const added: string[] = context.capabilities?.add ?? [];
    flag(
      added.every((cap) => BASELINE_CAPABILITIES.includes(cap)),
      'Capabilities (baseline)',
      `${at}.securityContext.capabilities.add`,
    );
    flag(
      (context.capabilities?.drop ?? []).includes('ALL') && added.every((cap) => cap === 'NET_BIND_SERVICE'),
      'Capabilities (restricted)',
      `${at}.securityContext.capabilities`,
    );
    (container.ports ?? []).forEach((port: Record<string, any>, i: number) => {
      flag(!port.hostPort, 'Host Ports', `${at}.ports[${i}].hostPort`);
    });
    flag([undefined, 'Default'].includes(context.procMount), '/proc Mount Type', `${at}.securityContext.procMount`);
    flag(context.allowPrivilegeEscalation === false, 'Privilege Escalation', `${at}.securityContext.allowPrivilegeEscalation`);
    flag(podContext.runAsNonRoot === true || context.runAsNonRoot === true, 'Running as Non-root', `${at}.securityContext.runAsNonRoot`);
    flag(
      podSeccomp || ['RuntimeDefault', 'Localhost'].includes(context.seccompProfile?.type),
      'Seccomp (restricted)',
      `${at}.securityContext.seccompProfile`,
    );
  }
  return violations;
}

/** Every pod template in the manifests, with where it came from. */
export function podTemplates(
  manifests: ReadonlyArray<Record<string, any>>,
): Array<{ name: string; spec: PodSpec; annotations: Record<string, string> }> {
  return manifests.flatMap((m) => {
    const template = m.kind === 'Pod' ? m : m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.spec?.template;
    return template?.spec === undefined
      ? []
      : [
          {
            name: `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`,
            spec: template.spec,
            annotations: template.metadata?.annotations ?? {},
          },
        ];
  });
}
