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

/** A rendered Kubernetes object, loosely typed: the check reads only a few fields. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** A synthesized CloudFormation template (`Template.toJSON()` or the cloud assembly's JSON). */
export interface CloudFormationTemplate {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, any> }>>;
}

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

/** Stands in for a deploy-time value (a token) inside a manifest string, so the JSON stays parseable. */
const DEPLOY_TIME_VALUE = '<deploy-time value>';

/** The Custom::AWSCDK-EKS-KubernetesResource manifests of a template: the objects its kubectl provider applies. */
export function kubernetesObjectsOf(template: CloudFormationTemplate): KubernetesObject[] {
  return Object.values(template.Resources ?? {})
    .filter((resource) => resource.Type === 'Custom::AWSCDK-EKS-KubernetesResource')
    .flatMap((resource) => JSON.parse(manifestText(resource.Properties?.Manifest)) as KubernetesObject[]);
}

/** The manifest as JSON text: a literal string, or a `Fn::Join` whose tokens sit inside JSON strings. */
function manifestText(manifest: unknown): string {
  if (typeof manifest === 'string') return manifest;
  const join = (manifest as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) throw new Error(`manifest ${JSON.stringify(manifest)} is neither a string nor an Fn::Join: cannot read its objects`);
  return join[1].map((part) => (typeof part === 'string' ? part : DEPLOY_TIME_VALUE)).join(join[0]);
}

/** The metrics APIs the add-ons of a cluster template serve. */
export function metricsApisServed(clusterTemplate: CloudFormationTemplate): Set<MetricsApi> {
  return new Set(Object.values(clusterTemplate.Resources ?? {})
    .filter((resource) => resource.Type === 'AWS::EKS::Addon')
    .map((resource) => METRICS_API_OF_ADDON[resource.Properties?.AddonName])
    .filter((api): api is MetricsApi => api !== undefined));
}

/**
 * The metric types an HPA reads. `autoscaling/v1` scales on CPU only, and an `autoscaling/v2` HPA without metrics
 * defaults to 80 % CPU: both are Resource metrics.
 */
export function metricTypesOf(hpa: KubernetesObject): string[] {
  const spec = (hpa.spec ?? {}) as { metrics?: { type?: unknown }[] };
  if (hpa.apiVersion === 'autoscaling/v1' || !spec.metrics || spec.metrics.length === 0) return ['Resource'];
  return spec.metrics.map((metric) => String(metric.type));
}

/**
 * Every metric of every HorizontalPodAutoscaler in `objects` whose metrics API no add-on of `clusterTemplate` serves.
 * @param objects the rendered Kubernetes objects of the platform (cluster-stack manifests and the workload charts)
 * @param clusterTemplate the synthesized template of the stack that owns the cluster and its add-ons
 */
export function checkMetricSources(objects: readonly KubernetesObject[], clusterTemplate: CloudFormationTemplate): MetricSourceViolation[] {
  const served = metricsApisServed(clusterTemplate);
  return objects.filter((object) => object.kind === 'HorizontalPodAutoscaler').flatMap((hpa) => {
    const name = `${hpa.metadata?.namespace ?? 'default'}/${hpa.metadata?.name ?? '?'}`;
    return metricTypesOf(hpa).flatMap((metricType): MetricSourceViolation[] => {
      const api = METRICS_API_OF_TYPE[metricType];
      if (api === undefined) {
        return [{ hpa: name, metricType, message: `HorizontalPodAutoscaler ${name} has a metric of type ${metricType}, which autoscaling/v2 `
          + `does not define: use one of ${Object.keys(METRICS_API_OF_TYPE).join(', ')}` }];
      }
      if (served.has(api)) return [];
      return [{ hpa: name, metricType, api, message: `HorizontalPodAutoscaler ${name} reads a metric of type ${metricType} from ${api}, `
        + `which nothing installed in the cluster serves, so it never scales: ${FIX[api]}` }];
    });
  });
}
