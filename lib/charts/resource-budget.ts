import type { ILimitRange } from 'kubernetes-models/v1/LimitRange';
import type { IResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { WorkloadSettings } from './workload-settings';

/**
 * A namespace's ResourceQuota, sized from the workload settings rather than guessed: room for every service at
 * its maximum replicas plus one surge pod of a rolling update, and nothing more. No LoadBalancer or NodePort
 * Services: traffic enters only through the platform ingress.
 */
export function resourceQuota(namespace: string, serviceCount: number, settings: WorkloadSettings): IResourceQuota {
  const pods = serviceCount * (settings.maxReplicas + 1);
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'workload-budget', namespace },
    spec: {
      hard: {
        pods: String(pods),
        'requests.cpu': `${pods * settings.cpuRequestMillis}m`,
        'limits.cpu': `${pods * settings.cpuLimitMillis}m`,
        'requests.memory': `${pods * settings.memoryRequestMebibytes}Mi`,
        'limits.memory': `${pods * settings.memoryLimitMebibytes}Mi`,
        'services.loadbalancers': '0',
        'services.nodeports': '0',
      },
    },
  };
}

/**
 * A namespace's LimitRange: a container that states no resources gets the service defaults (so the quota can
 * admit it), and none may ask for more than a service's limit.
 */
export function limitRange(namespace: string, settings: WorkloadSettings): ILimitRange {
  const limits = { cpu: `${settings.cpuLimitMillis}m`, memory: `${settings.memoryLimitMebibytes}Mi` };
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'container-limits', namespace },
    spec: {
      limits: [
        {
          type: 'Container',
          default: limits,
          defaultRequest: { cpu: `${settings.cpuRequestMillis}m`, memory: `${settings.memoryRequestMebibytes}Mi` },
          max: limits,
        },
      ],
    },
  };
}
