import { GET_STACK_OUTPUT, intrinsic, isObject, producerOf, StackTemplate } from './stack-templates';

/** The custom resource types aws-eks-v2 synthesizes for `HelmChart` and `KubernetesManifest`. */
export const HELM_CHART_TYPE = 'Custom::AWSCDK-EKS-HelmChart';
export const KUBERNETES_MANIFEST_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/**
 * Stands in for a deploy-time value (`Ref`, `Fn::GetStackOutput`, …) inside a JSON string the template builds with
 * `Fn::Join`: it is valid inside a JSON string, which is where the platform's tokens sit.
 */
export const TOKEN_PLACEHOLDER = '<deploy-time value>';

/** A resource of a stack. */
export interface ResourceRef {
  readonly stack: StackTemplate;
  readonly logicalId: string;
}

/** A Helm release the kubectl provider installs. */
export interface HelmRelease extends ResourceRef {
  /** Identifies the cluster across stacks (see `clusterIdentity`). */
  readonly cluster: string;
  readonly repository: unknown;
  readonly chart: unknown;
  readonly version: unknown;
  readonly namespace: string;
  readonly createNamespace: boolean;
  readonly wait: boolean;
  /** @default - the values did not parse */
  readonly values?: Readonly<Record<string, any>>;
}

/** One object of a manifest resource, with what ordering depends on. */
export interface KubernetesObject {
  /** Position in the manifest: kubectl applies the list in order. */
  readonly index: number;
  readonly apiVersion: string;
  /** API group; `''` for the core group (`apiVersion: v1`). */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** @default - cluster-scoped, or the default namespace */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of the pods it creates, for workloads with a pod template. @default - creates no pods */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** `spec.type` of a Service. @default - not a Service, or the type is left to the API server (ClusterIP) */
  readonly serviceType?: string;
}

/** A manifest custom resource and its objects. */
export interface ManifestResource extends ResourceRef {
  readonly cluster: string;
  readonly objects: readonly KubernetesObject[];
  /** Why the manifest could not be read, if it could not. */
  readonly unreadable?: string;
}

export function helmReleases(stacks: readonly StackTemplate[]): HelmRelease[] {
  return resourcesOfType(stacks, HELM_CHART_TYPE).map(({ stack, logicalId, properties }) => {
    const values = parseJson(properties.Values);
    return {
      stack,
      logicalId,
      cluster: clusterIdentity(stacks, stack, properties.ClusterName),
      repository: properties.Repository,
      chart: properties.Chart,
      version: properties.Version,
      namespace: typeof properties.Namespace === 'string' ? properties.Namespace : 'default',
      createNamespace: isTrue(properties.CreateNamespace),
      wait: isTrue(properties.Wait),
      values: isObject(values.json) ? values.json : properties.Values === undefined ? {} : undefined,
    };
  });
}

export function manifestResources(stacks: readonly StackTemplate[]): ManifestResource[] {
  return resourcesOfType(stacks, KUBERNETES_MANIFEST_TYPE).map(({ stack, logicalId, properties }) => {
    const cluster = clusterIdentity(stacks, stack, properties.ClusterName);
    const parsed = parseJson(properties.Manifest);
    if (parsed.error !== undefined || !Array.isArray(parsed.json)) {
      return { stack, logicalId, cluster, objects: [], unreadable: parsed.error ?? 'the manifest is not a JSON list of objects' };
    }
    return { stack, logicalId, cluster, objects: parsed.json.map((object, index) => kubernetesObject(object, index)) };
  });
}

function kubernetesObject(object: any, index: number): KubernetesObject {
  const apiVersion = String(object?.apiVersion ?? '');
  const slash = apiVersion.lastIndexOf('/');
  const metadata = object?.metadata ?? {};
  return {
    index,
    apiVersion,
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    kind: String(object?.kind ?? ''),
    name: String(metadata.name ?? ''),
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    labels: metadata.labels ?? {},
    podLabels: podTemplateOf(object)?.metadata?.labels ?? (object?.kind === 'Pod' ? (metadata.labels ?? {}) : undefined),
    serviceType: object?.kind === 'Service' && typeof object?.spec?.type === 'string' ? object.spec.type : undefined,
  };
}

/** The pod template of a workload: CronJobs nest it one level deeper. */
function podTemplateOf(object: any): any {
  return object?.spec?.jobTemplate?.spec?.template ?? object?.spec?.template;
}

/**
 * A string property as JSON, with every deploy-time value replaced by `TOKEN_PLACEHOLDER`. aws-eks-v2 writes a
 * manifest or chart values holding tokens as `Fn::Join` over string pieces and intrinsics.
 */
export function parseJson(value: unknown): { readonly json?: unknown; readonly error?: string } {
  if (value === undefined) return {};
  try {
    return { json: JSON.parse(withPlaceholders(value)) };
  } catch (error) {
    return { error: `it does not parse as JSON once deploy-time values are replaced by placeholders (${(error as Error).message})` };
  }
}

function withPlaceholders(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = intrinsic(value, 'Fn::Join');
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return join[1].map(withPlaceholders).join(join[0]);
  return TOKEN_PLACEHOLDER;
}

/**
 * One name for a cluster however a stack refers to it: a `Fn::GetStackOutput` is followed to the producer's output,
 * so `{ Ref: Cluster }` in the cluster stack and a reference to its output elsewhere name the same cluster.
 */
export function clusterIdentity(stacks: readonly StackTemplate[], stack: StackTemplate, clusterName: unknown): string {
  if (typeof clusterName === 'string') return clusterName;
  const ref = intrinsic(clusterName, 'Ref');
  if (typeof ref === 'string') return `${stack.id}/${ref}`;
  const output = intrinsic(clusterName, GET_STACK_OUTPUT);
  if (isObject(output)) {
    const producer = producerOf(stacks, { stackName: output.StackName, region: output.Region });
    const value = producer?.template.Outputs?.[String(output.OutputName)]?.Value;
    if (producer && value !== undefined) return clusterIdentity(stacks, producer, value);
  }
  return JSON.stringify(clusterName);
}

function resourcesOfType(stacks: readonly StackTemplate[], type: string) {
  return stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => ({ stack, logicalId, properties: resource.Properties ?? {} })),
  );
}

/** Custom resource properties reach the handler as strings; templates usually hold booleans. */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
