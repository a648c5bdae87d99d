import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  applyRestrictedProfile,
  RESTRICTED_CONTAINER_SECURITY_CONTEXT,
  RESTRICTED_POD_SECURITY_CONTEXT,
} from '../../lib/charts/restricted-security-context';
import { chartProps, synthPlatform, THREE_SERVICE_CATALOGUE } from './support/chart-fixture';
import { Control, PodSpec, podTemplates, restrictedViolations } from './support/pod-security-restricted';

function restrictedDeployment(patched: boolean): PodSpec {
  const chart = Testing.chart();
  const deployment = new kplus.Deployment(chart, 'Deployment', {
    securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
    containers: [{ image: 'app', securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT }],
  });
  if (patched) applyRestrictedProfile(deployment);
  return podTemplates(Testing.synth(chart))[0].spec;
}

describe('applyRestrictedProfile', () => {
  test('adds RuntimeDefault seccomp at pod level and drops ALL capabilities in every container', () => {
    const spec = restrictedDeployment(true);
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(restrictedViolations(spec)).toEqual([]);
  });

  test('without it, cdk8s-plus-27 alone fails exactly the two controls it cannot express', () => {
    const controls = restrictedViolations(restrictedDeployment(false)).map((v) => v.control);
    expect(new Set(controls)).toEqual(new Set<Control>(['Seccomp (restricted)', 'Capabilities (restricted)']));
  });
});

describe('every pod the charts emit meets Pod Security Standards restricted', () => {
  const pods = (['istio-ambient', 'native'] as const).flatMap((mtls) =>
    podTemplates(synthPlatform(chartProps({ mtls, catalogue: THREE_SERVICE_CATALOGUE })).all).map((pod) => ({ mtls, ...pod })),
  );

  test('there are pods to check (one per service and mode)', () => {
    expect(pods).toHaveLength(2 * THREE_SERVICE_CATALOGUE.services.length);
  });

  test.each(pods)('$mtls $name', ({ spec, annotations }) => {
    expect(restrictedViolations(spec, annotations)).toEqual([]);
  });
});

describe('the restricted checker flags each control', () => {
  const compliant = () => structuredClone(restrictedDeployment(true));
  const container = (pod: PodSpec) => pod.containers[0];
  const cases: Array<[Control, (pod: PodSpec) => void]> = [
    [
      'HostProcess',
      (pod) => {
        pod.securityContext.windowsOptions = { hostProcess: true };
      },
    ],
    [
      'Host Namespaces',
      (pod) => {
        pod.hostNetwork = true;
      },
    ],
    [
      'Host Namespaces',
      (pod) => {
        pod.hostPID = true;
      },
    ],
    [
      'Host Namespaces',
      (pod) => {
        pod.hostIPC = true;
      },
    ],
    [
      'Privileged Containers',
      (pod) => {
        container(pod).securityContext.privileged = true;
      },
    ],
    [
      'Capabilities (baseline)',
      (pod) => {
        container(pod).securityContext.capabilities.add = ['SYS_ADMIN'];
      },
    ],
    [
      'HostPath Volumes',
      (pod) => {
        pod.volumes = [{ name: 'host', hostPath: { path: '/' } }];
      },
    ],
    [
      'Host Ports',
      (pod) => {
        container(pod).ports = [{ containerPort: 8080, hostPort: 8080 }];
      },
    ],
    [
      'AppArmor',
      (pod) => {
        pod.securityContext.appArmorProfile = { type: 'Unconfined' };
      },
    ],
    [
      'SELinux',
      (pod) => {
        container(pod).securityContext.seLinuxOptions = { type: 'spc_t' };
      },
    ],
    [
      '/proc Mount Type',
      (pod) => {
        container(pod).securityContext.procMount = 'Unmasked';
      },
    ],
    [
      'Seccomp (baseline)',
      (pod) => {
        container(pod).securityContext.seccompProfile = { type: 'Unconfined' };
      },
    ],
    [
      'Sysctls',
      (pod) => {
        pod.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }];
      },
    ],
    [
      'Volume Types',
      (pod) => {
        pod.volumes = [{ name: 'nfs', nfs: { server: 'x', path: '/' } }];
      },
    ],
    [
      'Privilege Escalation',
      (pod) => {
        delete container(pod).securityContext.allowPrivilegeEscalation;
      },
    ],
    [
      'Running as Non-root',
      (pod) => {
        container(pod).securityContext.runAsNonRoot = false;
      },
    ],
    [
      'Running as Non-root user',
      (pod) => {
        container(pod).securityContext.runAsUser = 0;
      },
    ],
    [
      'Seccomp (restricted)',
      (pod) => {
        delete pod.securityContext.seccompProfile;
      },
    ],
    [
      'Capabilities (restricted)',
      (pod) => {
        container(pod).securityContext.capabilities = { drop: ['NET_RAW'] };
      },
    ],
  ];

  test.each(cases)('%s', (control, breakIt) => {
    const pod = compliant();
    breakIt(pod);
    expect(restrictedViolations(pod).map((v) => v.control)).toContain(control);
  });

  test('the AppArmor annotation form', () => {
    const violations = restrictedViolations(compliant(), { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' });
    expect(violations.map((v) => v.control)).toEqual(['AppArmor']);
  });
});
