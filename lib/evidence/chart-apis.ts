import { HelmVersions } from '../config';
import { HelmChartSource } from '../constructs/helm-component';
import { karpenterCharts } from '../constructs/karpenter';
import { chartMirrorRepository } from '../constructs/chart-mirror';
import { platformCharts } from '../constructs/platform-components';

/**
 * What each platform Helm chart adds to the Kubernetes API, so the deploy-order check can tell which charts an object
 * needs first. Read from the charts' own sources at the versions below (looked up 2026-12):
 * - aws-load-balancer-controller 1.17.1: kubernetes-sigs/aws-load-balancer-controller tag v2.17.1,
 *   helm/aws-load-balancer-controller/{crds/crds.yaml, crds/gateway-crds.yaml, templates/webhook.yaml,
 *   templates/service.yaml, values.yaml}.
 * - Istio 1.30.2: istio/istio tag 1.30.2, manifests/charts/base/{files/crd-all.gen.yaml,
 *   templates/defaultrevision-validatingwebhookconfiguration.yaml}, manifests/charts/istio-control/istio-discovery/
 *   templates/{validatingwebhookconfiguration.yaml, mutatingwebhook.yaml, service.yaml, revision-tags-svc.yaml,
 *   remote-istiod-service.yaml}, manifests/charts/gateway/{templates, values.yaml}.
 * - cert-manager v1.20.3: cert-manager/cert-manager tag v1.20.3, deploy/charts/cert-manager/templates/{crd-*.yaml,
 *   webhook-validating-webhook.yaml, webhook-mutating-webhook.yaml, service.yaml, webhook-service.yaml,
 *   cainjector-service.yaml}.
 * - aws-privateca-issuer v1.9.0: cert-manager/aws-privateca-issuer tag v1.9.0, charts/aws-pca-issuer/{crds, templates,
 *   values.yaml}.
 * - secrets-store-csi-driver-provider-aws 2.2.0: aws/secrets-store-csi-driver-provider-aws,
 *   charts/secrets-store-csi-driver-provider-aws/{Chart.yaml, Chart.lock (secrets-store-csi-driver 1.5.2), values.yaml,
 *   templates}: DaemonSets only, no Service, no webhook; the driver subchart installs the secrets-store.csi.x-k8s.io
 *   CRDs (SecretProviderClass) when `secrets-store-csi-driver.install` is true.
 * - kyverno 3.9.0 (Kyverno v1.19.0): kyverno/kyverno tags kyverno-chart-3.9.0 (charts/kyverno/{Chart.yaml, values.yaml,
 *   templates}: no webhook in the templates) and v1.19.0 (pkg/controllers/webhook/controller.go, pkg/config/config.go):
 *   the admission controller registers its webhooks itself once it runs: the policy webhooks (kyverno.io and
 *   policies.kyverno.io objects, Fail) and, per policy, resource webhooks whose namespaceSelector is the chart's
 *   `config.webhooks` (Fail for a `failurePolicy: Fail` policy); the cleanup controller's webhooks come with it.
 * Only webhooks with `failurePolicy: Fail` are listed: while such a webhook's pods are not ready, the API server
 * rejects every object it admits ("no endpoints available for service …"). A webhook that fails open (the controller's
 * `mpod.elbv2.k8s.aws`, `failurePolicy: Ignore` by default) cannot fail a deployment.
 */

/** The chart versions the table was read at; a chart pinned at another version is reported until the table is re-read. */
const VERIFIED_VERSIONS: HelmVersions = {
  awsLoadBalancerController: '1.17.1',
  istio: '1.30.2',
  certManager: 'v1.20.3',
  awsPrivateCaIssuer: 'v1.9.0',
  secretsStoreCsiProviderAws: '2.2.0',
  kyverno: '3.9.0',
};

/** A label that makes a webhook admit an object: on the object (a pod's own labels) or on its namespace. */
export interface OptInLabel {
  readonly on: 'namespace' | 'object';
  readonly key: string;
  readonly value: string;
}

/** A fail-closed admission webhook a chart registers. */
export interface AdmissionWebhook {
  readonly name: string;
  /** API groups of the objects it admits; `''` is the core group. */
  readonly groups: readonly string[];
  /** Kinds it admits; `Pod` also stands for every workload whose pod template creates pods. @default - every kind of the groups */
  readonly kinds?: readonly string[];
  /**
   * It admits only objects carrying one of these labels (given the chart's values, when they choose the selector).
   * @default - every object of its groups and kinds
   */
  readonly optIn?: readonly OptInLabel[] | ((values: ChartValues) => readonly OptInLabel[] | undefined);
  /** Whether the chart's values register it fail-closed. @default - always */
  readonly enabled?: (values: ChartValues) => boolean;
  /** How to turn it off where nothing needs it, offered next to "order after the chart". @default - no alternative */
  readonly disarm?: string;
}

/** An object a chart creates that another chart's webhook may admit (its Services and pods). */
export interface CreatedObject {
  readonly group: string;
  readonly kind: string;
  /** The object's labels (a pod's, from its template) that webhooks select on. @default - none that matter */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A chart's values as the template holds them, tokens replaced by placeholders. */
export type ChartValues = Readonly<Record<string, any>>;

export interface ChartApis {
  /** Repository, chart name and the version this entry was read at. */
  readonly source: HelmChartSource;
  /** API groups of the CRDs the chart installs with these values. */
  readonly crdGroups: (values: ChartValues) => readonly string[];
  readonly webhooks: readonly AdmissionWebhook[];
  readonly creates: readonly CreatedObject[];
  /** `spec.type` of each Service the chart creates with these values, which the entry-point policy judges. */
  readonly serviceTypes: (values: ChartValues) => readonly string[];
}

/** The label the API server gives every namespace, its own name (immutable): what namespace selectors by name select on. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const SERVICE: CreatedObject = { group: '', kind: 'Service' };
const POD: CreatedObject = { group: '', kind: 'Pod' };

/** Groups of the Istio config CRDs (base chart), which istiod's validation webhook admits. */
const ISTIO_CONFIG_GROUPS = ['extensions.istio.io', 'networking.istio.io', 'security.istio.io', 'telemetry.istio.io'];

const verified = platformCharts(VERIFIED_VERSIONS);

const KARPENTER_GROUPS = ['karpenter.sh', 'karpenter.k8s.aws'];
/** Karpenter's two charts (lib/constructs/karpenter.ts), at the release that construct is written against. */
const karpenter = karpenterCharts();

/**
 * Every chart `platformCharts` returns, so adding a chart there fails type-checking here until its entry is written,
 * and Karpenter's.
 */
export const CHART_APIS: Readonly<Record<keyof typeof verified | keyof typeof karpenter, ChartApis>> = {
  // Karpenter 1.x registers no admission webhooks: the v1beta1 conversion webhooks of 1.0 went with v1beta1 in 1.1.
  karpenterCrd: {
    source: karpenter.karpenterCrd,
    crdGroups: () => KARPENTER_GROUPS,
    webhooks: [],
    creates: [],
    serviceTypes: () => [],
  },
  karpenter: {
    source: karpenter.karpenter,
    // The same CRDs under crds/, which Helm skips when karpenter-crd has installed them.
    crdGroups: () => KARPENTER_GROUPS,
    webhooks: [],
    creates: [SERVICE, POD],
    // The metrics Service sets no type.
    serviceTypes: () => ['ClusterIP'],
  },
  awsLoadBalancerController: {
    source: verified.awsLoadBalancerController,
    // Helm installs everything under crds/ (on first install only).
    crdGroups: () => ['elbv2.k8s.aws', 'aga.k8s.aws', 'gateway.k8s.aws'],
    webhooks: [
      {
        // No namespace selector: every new Service in the cluster, except the controller's own.
        name: 'mservice.elbv2.k8s.aws',
        groups: [''],
        kinds: ['Service'],
        enabled: (values) => values.enableServiceMutatorWebhook !== false && values.serviceMutatorWebhookConfig?.failurePolicy !== 'Ignore',
        disarm: "set enableServiceMutatorWebhook: false in the controller's values, since no platform Service is of type LoadBalancer",
      },
      {
        name: 'mtargetgroupbinding.elbv2.k8s.aws / vtargetgroupbinding.elbv2.k8s.aws',
        groups: ['elbv2.k8s.aws'],
        kinds: ['TargetGroupBinding'],
      },
      { name: 'vingressclassparams.elbv2.k8s.aws', groups: ['elbv2.k8s.aws'], kinds: ['IngressClassParams'] },
      {
        name: 'vingress.elbv2.k8s.aws',
        groups: ['networking.k8s.io'],
        kinds: ['Ingress'],
        enabled: (values) => !values.webhookConfig?.disableIngressValidation,
      },
      {
        name: 'quicid.elbv2.k8s.aws',
        groups: [''],
        kinds: ['Pod'],
        optIn: [{ on: 'namespace', key: 'elbv2.k8s.aws/quic-server-id-inject', value: 'enabled' }],
      },
      {
        name: 'alb-target-control.namespace.elbv2.k8s.aws / alb-target-control.object.elbv2.k8s.aws',
        groups: [''],
        kinds: ['Pod'],
        optIn: [
          { on: 'namespace', key: 'elbv2.k8s.aws/alb-target-control-agent-injection', value: 'enabled' },
          { on: 'object', key: 'elbv2.k8s.aws/alb-target-control-agent-inject', value: 'true' },
        ],
      },
    ],
    creates: [SERVICE, POD],
    // The webhook Service (and the metrics one, with serviceMonitor.enabled) set no type.
    serviceTypes: () => ['ClusterIP'],
  },
  istioBase: {
    source: verified.istioBase,
    // Its `istiod-default-validator` webhook is served by istiod, so it is listed there.
    crdGroups: () => ISTIO_CONFIG_GROUPS,
    webhooks: [],
    creates: [],
    serviceTypes: () => [],
  },
  istiod: {
    source: verified.istiod,
    crdGroups: () => [],
    webhooks: [
      {
        // Registered fail-open; istiod patches it to Fail once it serves, so objects applied after that need istiod up.
        name: 'validation.istio.io (istiod-default-validator, istio-validator-istio-system)',
        groups: ISTIO_CONFIG_GROUPS,
      },
      {
        // Selectors simplified to their opt-ins (the opt-outs only narrow them).
        name: 'sidecar-injector.istio.io',
        groups: [''],
        kinds: ['Pod'],
        optIn: [
          { on: 'namespace', key: 'istio-injection', value: 'enabled' },
          { on: 'namespace', key: 'istio.io/rev', value: 'default' },
          { on: 'object', key: 'sidecar.istio.io/inject', value: 'true' },
          { on: 'object', key: 'istio.io/rev', value: 'default' },
        ],
      },
    ],
    creates: [SERVICE, POD],
    // istiod and its revision tags set no type; the ExternalName Service exists only for a remote istiod.
    serviceTypes: () => ['ClusterIP'],
  },
  istioCni: { source: verified.istioCni, crdGroups: () => [], webhooks: [], creates: [POD], serviceTypes: () => [] },
  ztunnel: { source: verified.ztunnel, crdGroups: () => [], webhooks: [], creates: [POD], serviceTypes: () => [] },
  istioGateway: {
    source: verified.istioGateway,
    crdGroups: () => [],
    webhooks: [],
    // The gateway's pods ask istiod to inject the proxy.
    creates: [SERVICE, { ...POD, labels: { 'sidecar.istio.io/inject': 'true' } }],
    // The chart's default is LoadBalancer; `None` creates no Service.
    serviceTypes: (values) => {
      const type = values.service?.type ?? 'LoadBalancer';
      return type === 'None' ? [] : [type];
    },
  },
  certManager: {
    source: verified.certManager,
    crdGroups: (values) =>
      values.crds?.enabled === true || values.installCRDs === true ? ['cert-manager.io', 'acme.cert-manager.io'] : [],
    webhooks: [
      // Its namespace selector only opts out (`cert-manager.io/disable-validation`).
      { name: 'webhook.cert-manager.io', groups: ['cert-manager.io', 'acme.cert-manager.io'] },
    ],
    creates: [SERVICE, POD],
    // The webhook's Service follows webhook.serviceType; the metrics Services (with prometheus.enabled) are ClusterIP.
    serviceTypes: (values) => [values.webhook?.serviceType ?? 'ClusterIP', 'ClusterIP'],
  },
  awsPrivateCaIssuer: {
    source: verified.awsPrivateCaIssuer,
    crdGroups: () => ['awspca.cert-manager.io'],
    webhooks: [],
    creates: [SERVICE, POD],
    serviceTypes: (values) => [values.service?.type ?? 'ClusterIP'],
  },
  kyverno: {
    source: verified.kyverno,
    crdGroups: (values) =>
      values.crds?.install === false ? [] : ['kyverno.io', 'policies.kyverno.io', 'reports.kyverno.io', 'wgpolicyk8s.io'],
    webhooks: [
      {
        name: 'kyverno-policy-validating-webhook-cfg / kyverno-policy-mutating-webhook-cfg',
        groups: ['kyverno.io', 'policies.kyverno.io'],
      },
      {
        // Registered for the kinds a Fail policy matches (the platform's: Pods), in the namespaces `config.webhooks` selects.
        name: 'kyverno-resource-validating-webhook-cfg / kyverno-resource-mutating-webhook-cfg',
        groups: [''],
        kinds: ['Pod'],
        optIn: (values) => kyvernoWebhookNamespaces(values)?.map((name) => ({ on: 'namespace', key: NAMESPACE_NAME_LABEL, value: name })),
      },
      {
        name: 'kyverno-cleanup-validating-webhook-cfg',
        groups: ['kyverno.io'],
        kinds: ['CleanupPolicy', 'ClusterCleanupPolicy'],
        enabled: (values) => values.cleanupController?.enabled !== false,
        disarm: 'set cleanupController.enabled: false in the Kyverno values: the platform has no cleanup policy',
      },
    ],
    creates: [SERVICE, POD],
    serviceTypes: () => ['ClusterIP'],
  },
  secretsStoreCsiProviderAws: {
    source: verified.secretsStoreCsiProviderAws,
    crdGroups: (values) => (values['secrets-store-csi-driver']?.install === false ? [] : ['secrets-store.csi.x-k8s.io']),
    webhooks: [],
    creates: [POD],
    serviceTypes: () => [],
  },
};

/**
 * The namespaces Kyverno's resource webhooks admit, from `config.webhooks.namespaceSelector` when it selects names
 * with `In`; any other selector (the chart's default excludes kube-system only) is read as every namespace.
 */
function kyvernoWebhookNamespaces(values: ChartValues): readonly string[] | undefined {
  const expressions: readonly any[] = values.config?.webhooks?.namespaceSelector?.matchExpressions ?? [];
  const [byName] = expressions;
  const selectsNames = expressions.length === 1 && byName.key === NAMESPACE_NAME_LABEL && byName.operator === 'In';
  return selectsNames && Array.isArray(byName.values) ? byName.values : undefined;
}

/** The table entry for a chart, by repository (its own, or its copy in an ECR chart mirror) and chart name (any version). */
export function chartApisOf(repository: unknown, chart: unknown): ChartApis | undefined {
  return Object.values(CHART_APIS).find(
    (apis) =>
      apis.source.chart === chart &&
      (apis.source.repository === repository ||
        (typeof repository === 'string' &&
          repository.startsWith('oci://') &&
          repository.endsWith(`/${chartMirrorRepository(apis.source.chart)}`))),
  );
}

/**
 * API groups the API server itself serves; an object of any other group needs a CRD (or an aggregated API) that
 * something in the cluster installs first.
 */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);
