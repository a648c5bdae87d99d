import type { Manifest } from './access-layers';
import { KUBERNETES_MANIFEST_TYPE, parseJson } from './cluster-resources';
import type { CfnTemplate } from './stack-templates';

/**
 * Every HorizontalPodAutoscaler metric needs an installed source. The API server accepts an HPA whose metrics API
 * nothing serves, and the HPA then never scales: its status only reports that it cannot fetch the metric. This check
 * reads what the platform renders (the Kubernetes objects and the cluster template) and reports each such metric.
 */

/** The aggregated APIs an HPA reads its metrics from. */
export type MetricsApi = 'metrics.k8s.io' | 'custom.metrics.k8s.io' | 'external.metrics.k8s.io';

/** The API each `autoscaling/v2` metric type is read from. */
export const METRICS_API_OF_TYPE: Readonly<Record<string, MetricsApi>> = {
  Resource: 'metrics.k8s.io',
  ContainerResource: 'metrics.k8s.io',
  Pods: 'custom.metrics.k8s.io',
  Object: 'custom.metrics.k8s.io',
  External: 'external.metrics.k8s.io',
};

/** EKS add-ons that serve a metrics API, by add-on name. Nothing the platform installs serves the other two APIs. */
export const METRICS_API_OF_ADDON: Readonly<Record<string, MetricsApi>> = {
  'metrics-server': 'metrics.k8s.io',
};

/** What to do when an API has no source, for the violation message. */
const FIX: Readonly<Record<MetricsApi, string>> = {
  'metrics.k8s.io': 'install the metrics-server add-on (ClusterAddons) in the cluster',
  'custom.metrics.k8s.io': 'scale on Resource metrics, or install and register an adapter that serves it first',
  'external.metrics.k8s.io': 'scale on Resource metrics, or install and register an adapter that serves it first',
};

/** One HPA metric that no installed component serves. */
export interface MetricSourceViolation {
  /** The HPA, as `namespace/name`. */
  readonly hpa: string;
  /** The metric's type: `Resource`, `ContainerResource`, `Pods`, `Object`, `External`, or what the HPA wrote. */
  readonly metricType: string;
  /** The API the metric is read from; undefined for a type `autoscaling/v2` does not define. */
  readonly api?: MetricsApi;
  readonly message: string;
}

/**
 * The objects the kubectl provider applies from a template's manifest resources, deploy-time values replaced by
 * placeholders; throws if a manifest cannot be read, since an unread HPA would pass unchecked.
 */
export function kubernetesObjectsOf(template: CfnTemplate): Manifest[] {
  return Object.values(template.Resources ?? {})
    .filter((resource) => resource.Type === KUBERNETES_MANIFEST_TYPE)
    .flatMap((resource) => {
      const { json, error } = parseJson(resource.Properties?.Manifest);
      if (error !== undefined || !Array.isArray(json))
        throw new Error(`cannot read the objects of a manifest: ${error ?? 'it is not a JSON list'}`);
      return json as Manifest[];
    });
}

/** The metrics APIs the add-ons of a cluster template serve. */
export function metricsApisServed(clusterTemplate: CfnTemplate): Set<MetricsApi> {
  return new Set(
    Object.values(clusterTemplate.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::EKS::Addon')
      .map((resource) => METRICS_API_OF_ADDON[String(resource.Properties?.AddonName)])
      .filter((api): api is MetricsApi => api !== undefined),
  );
}

/**
 * The metric types an HPA reads. `autoscaling/v1` scales on CPU only, and an `autoscaling/v2` HPA without metrics
 * defaults to 80 % CPU: both are Resource metrics.
 */
export function metricTypesOf(hpa: Manifest): string[] {
  const spec = (hpa.spec ?? {}) as { metrics?: { type?: unknown }[] };
  if (hpa.apiVersion === 'autoscaling/v1' || !spec.metrics || spec.metrics.length === 0) return ['Resource'];
  return spec.metrics.map((metric) => String(metric.type));
}

/**
 * Every metric of every HorizontalPodAutoscaler in `objects` whose metrics API no add-on of `clusterTemplate` serves.
 * @param objects the rendered Kubernetes objects of the platform (cluster-stack manifests and the workload charts)
 * @param clusterTemplate the synthesized template of the stack that owns the cluster and its add-ons
 */
export function checkMetricSources(objects: readonly Manifest[], clusterTemplate: CfnTemplate): MetricSourceViolation[] {
  const served = metricsApisServed(clusterTemplate);
  return objects
    .filter((object) => object.kind === 'HorizontalPodAutoscaler')
    .flatMap((hpa) => {
      const name = `${hpa.metadata?.namespace ?? 'default'}/${hpa.metadata?.name ?? '?'}`;
      return metricTypesOf(hpa).flatMap((metricType): MetricSourceViolation[] => {
        const servedBy = METRICS_API_OF_TYPE[metricType];
        if (servedBy === undefined) {
          return [
            {
              hpa: name,
              metricType,
              message:
                `HorizontalPodAutoscaler ${name} has a metric of type ${metricType}, which autoscaling/v2 ` +
                `does not define: use one of ${Object.keys(METRICS_API_OF_TYPE).join(', ')}`,
            },
          ];
        }
        if (served.has(servedBy)) return [];
        return [
          {
            hpa: name,
            metricType,
            api: servedBy,
            message:
              `HorizontalPodAutoscaler ${name} reads a metric of type ${metricType} from ${servedBy}, ` +
              `which nothing installed in the cluster serves, so it never scales: ${FIX[servedBy]}`,
          },
        ];
      });
    });
}
