import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Construct } from 'constructs';
import { ServiceCatalogue, ServiceDefinition } from '../catalogue/service-catalogue';
import { ConfigError, ConfigErrors } from '../catalogue/config-error';
import { MtlsMode } from '../catalogue/service-contract';
import { asCaller, workloadLabels } from './call-graph';
import {
  READINESS_FAILURE_THRESHOLD,
  READINESS_PERIOD_SECONDS,
  ShutdownTiming,
  shutdownTiming,
  withPreStopSleep,
} from './graceful-shutdown';
import { servicePolicy } from './network-policies';
import { SERVICE_ENV, SERVICE_HEALTH_PORT, SERVICE_SECRETS_DIR } from '../catalogue/service-contract';
import { SECRETS_STORE_CSI_DRIVER, secretProviderClass, secretProviderClassName } from './service-secrets';
import { environmentErrors, serviceEnvironment } from './service-environment';
import {
  applyRestrictedProfile,
  RESTRICTED_CONTAINER_SECURITY_CONTEXT,
  RESTRICTED_POD_SECURITY_CONTEXT,
} from './restricted-security-context';
import { spreadAcrossZones } from './topology-spread';
import { addTypedObject } from './typed-object';
import { WORKLOAD_CERT_DIR, workloadCertificateSecretName } from './workload-certificates';
import { checkImage, checkWorkload, ProfileName, resolveWorkload, WorkloadOptions, WorkloadSettings } from './workload-settings';

/** Annotation on the ServiceAccount naming the IAM role its EKS Pod Identity association binds (set on the AWS side). */
export const POD_IDENTITY_ROLE_ANNOTATION = 'platform.internal/pod-identity-role-arn';

/** Average CPU utilisation (of requests) the autoscaler keeps pods at. */
export const TARGET_CPU_UTILIZATION = 70;

/**
 * How fast the autoscaler moves, written out rather than left to defaults: up at once (no stabilization), by at least
 * four pods or double per 30 s, so a surge is met within a minute; down only after five minutes of lower load and by at
 * most half the pods a minute, so a dip between bursts does not cost the capacity the next burst needs. CPU is the only
 * metric: a Node.js heap does not shrink when load falls, so a memory target would hold replicas up long after.
 */
export const AUTOSCALING_BEHAVIOUR: Pick<kplus.HorizontalPodAutoscalerProps, 'scaleUp' | 'scaleDown'> = {
  scaleUp: {
    stabilizationWindow: Duration.seconds(0),
    strategy: kplus.ScalingStrategy.MAX_CHANGE,
    policies: [
      { replicas: kplus.Replicas.absolute(4), duration: Duration.seconds(30) },
      { replicas: kplus.Replicas.percent(100), duration: Duration.seconds(30) },
    ],
  },
  scaleDown: {
    stabilizationWindow: Duration.minutes(5),
    strategy: kplus.ScalingStrategy.MIN_CHANGE,
    policies: [{ replicas: kplus.Replicas.percent(50), duration: Duration.minutes(1) }],
  },
};

/** Where a service reads the user pool's signing keys when the chart mounts them (`signingKeysJwksBase64`). */
export const SIGNING_KEYS_DIR = '/etc/platform/signing-keys';
const SIGNING_KEYS_FILE = 'jwks.json';

export interface ServiceChartProps extends WorkloadOptions {
  /** A validated catalogue (see `validateServiceCatalogue`). */
  readonly catalogue: ServiceCatalogue;
  /** Name of the catalogue service this chart runs. */
  readonly serviceName: string;
  readonly profile: ProfileName;
  readonly mtls: MtlsMode;
  /** `<repository>@sha256:<digest>`; a tag is accepted in dev only, with a warning. */
  readonly image: string;
  /**
   * ARN of the IAM role bound to the service account by Pod Identity, shown as an annotation.
   * @default - no annotation
   */
  readonly roleArn?: string;
  /**
   * More environment variables, e.g. TABLE_NAME from the data stack and COGNITO_USER_POOL_ID and
   * COGNITO_CLIENT_IDS from the edge stack (CDK tokens allowed). They cannot override the chart's own variables.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The user pool's signing keys, base64 of the JWKS document (a CDK token allowed: base64 needs no escaping inside the
   * manifest's JSON, which CloudFormation cannot do for a deploy-time value). A ConfigMap of them is mounted and
   * COGNITO_JWKS_FILE names it, so the service needs no path to Cognito. @default - the service fetches them from Cognito
   */
  readonly signingKeysJwksBase64?: string;
  /** @default console.warn - receives warnings such as an image pinned by tag in dev */
  readonly warn?: (message: string) => void;
  /**
   * Port of the Kubernetes Service (forwarding to the container's port), e.g. 443 for the edge's TargetGroupBinding.
   * @default - the catalogue port of the service
   */
  readonly servicePort?: number;
  /**
   * Secrets Manager name of each of the service's catalogue secrets (`service.secrets`), by secret name: mounted
   * read-only under SERVICE_SECRETS_DIR through the Secrets Store CSI driver, with the service's own Pod Identity role.
   * @default - `<service>/<secret>` (the platform passes `<profile>-platform/<service>/<secret>`, see platformSecretName)
   */
  readonly secretNames?: Readonly<Record<string, string>>;
  /**
   * Address ranges admitted on the service port besides the catalogue's callers: the load balancer, for the edge.
   * @default - none: only catalogue callers
   */
  readonly sourceCidrs?: readonly string[];
}

/** Input problems and warnings of one service chart, found before anything is built. */
export function checkServiceChartProps(props: ServiceChartProps): { errors: ConfigError[]; warnings: string[] } {
  const service = props.catalogue.services.find((s) => s.name === props.serviceName);
  if (service === undefined) {
    const names = props.catalogue.services.map((s) => s.name).join(', ');
    return { errors: [new ConfigError('serviceName', props.serviceName, `use a service of the catalogue (${names})`)], warnings: [] };
  }
  const image = checkImage(`images.${props.serviceName}`, props.image, props.profile);
  const environment = environmentErrors(props.catalogue, service, props.mtls, props.environment);
  return {
    errors: [...image.errors, ...environment, ...checkWorkload(resolveWorkload(props.profile, props))],
    warnings: image.warnings,
  };
}

/**
 * Whether the load balancer's target group holds this workload's pods: the TargetGroupBinding binds the ingress
 * Service, which in native mode is the edge proxy's, run as the catalogue's ingress identity (see `edgeWorkload`).
 */
function isLoadBalancerTarget(props: ServiceChartProps): boolean {
  return props.serviceName === props.catalogue.ingress.serviceAccount;
}

/**
 * One sample service: a Deployment meeting Pod Security `restricted`, spread across zones, autoscaled,
 * protected by a PodDisruptionBudget and stopped without dropping requests (see `graceful-shutdown.ts`); its
 * ServiceAccount (no API token), its Service, and a NetworkPolicy that opens exactly the catalogue's edges to and
 * from it.
 */
export class ServiceChart extends Chart {
  readonly service: ServiceDefinition;
  readonly deployment: kplus.Deployment;
  /** How long its pods keep serving after deletion, and when they are killed. */
  readonly shutdown: ShutdownTiming;

  constructor(scope: Construct, id: string, props: ServiceChartProps) {
    const { errors, warnings } = checkServiceChartProps(props);
    if (errors.length > 0) throw new ConfigErrors(errors);
    const service = props.catalogue.services.find((s) => s.name === props.serviceName)!;
    super(scope, id, { namespace: service.namespace });
    for (const warning of warnings) (props.warn ?? console.warn)(warning);
    this.service = service;
    const settings = resolveWorkload(props.profile, props);
    this.shutdown = shutdownTiming(isLoadBalancerTarget(props));
    const labels = workloadLabels(service);

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: service.name,
        labels,
        annotations: props.roleArn === undefined ? undefined : { [POD_IDENTITY_ROLE_ANNOTATION]: props.roleArn },
      },
      automountToken: false,
    });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: service.name, labels },
      select: false,
      podMetadata: { labels },
      serviceAccount,
      automountServiceAccountToken: false,
      securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
      terminationGracePeriod: Duration.seconds(this.shutdown.terminationGracePeriodSeconds),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels }));
    this.addContainer(props, settings);
    applyRestrictedProfile(this.deployment);
    spreadAcrossZones(this.deployment, labels);

    new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: { name: service.name },
      target: this.deployment,
      minReplicas: settings.minReplicas,
      maxReplicas: settings.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(TARGET_CPU_UTILIZATION))],
      ...AUTOSCALING_BEHAVIOUR,
    });
    addTypedObject(this, 'DisruptionBudget', this.disruptionBudget(labels));
    const clusterService = new kplus.Service(this, 'Service', {
      metadata: { name: service.name, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'app', port: props.servicePort ?? service.port, targetPort: service.port }],
    });
    // Select by the service's own label (not cdk8s' generated address label) so the manifests read plainly.
    for (const [key, value] of Object.entries(labels)) clusterService.selectLabel(key, value);
    if ((service.secrets ?? []).length > 0)
      addTypedObject(this, 'SecretProviderClass', secretProviderClass(service, props.secretNames ?? {}));
    addTypedObject(this, 'NetworkPolicy', servicePolicy(props.catalogue, service, props.mtls, settings.awsApiCidrs, props.sourceCidrs));
  }

  /** The chart's manifests, the Deployment with its preStop sleep (which only the rendered manifest can carry). */
  override toJson(): ReturnType<Chart['toJson']> {
    return super.toJson().map((manifest) => (manifest.kind === 'Deployment' ? withPreStopSleep(manifest, this.shutdown) : manifest));
  }

  private addContainer(props: ServiceChartProps, settings: WorkloadSettings): void {
    const { service } = this;
    const native = props.mtls === 'native';
    // Probes go to the plain-HTTP health listener, so they need neither a client certificate nor the mesh.
    const probe = (path: string, options: kplus.ProbeOptions = {}) =>
      kplus.Probe.fromHttpGet(path, {
        port: SERVICE_HEALTH_PORT,
        scheme: kplus.ConnectionScheme.HTTP,
        ...options,
      });
    const container = this.deployment.addContainer({
      name: service.name,
      image: props.image,
      ports: [
        { name: 'app', number: service.port },
        { name: 'health', number: SERVICE_HEALTH_PORT },
      ],
      securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
      resources: {
        cpu: { request: kplus.Cpu.millis(settings.cpuRequestMillis), limit: kplus.Cpu.millis(settings.cpuLimitMillis) },
        memory: { request: Size.mebibytes(settings.memoryRequestMebibytes), limit: Size.mebibytes(settings.memoryLimitMebibytes) },
      },
      liveness: probe(settings.livenessProbePath),
      // Explicit timing: how soon a failing pod leaves the endpoints is what the preStop sleep is sized from.
      readiness: probe(settings.readinessProbePath, {
        periodSeconds: Duration.seconds(READINESS_PERIOD_SECONDS),
        failureThreshold: READINESS_FAILURE_THRESHOLD,
      }),
      envVariables: Object.fromEntries(
        Object.entries({
          ...props.environment,
          ...serviceEnvironment(props.catalogue, service, props.mtls),
          // The directory, never a value: the secrets themselves are files of the CSI volume below.
          ...((service.secrets ?? []).length > 0 ? { [SERVICE_ENV.secretsDir]: SERVICE_SECRETS_DIR } : {}),
          ...(props.signingKeysJwksBase64 === undefined ? {} : { [SERVICE_ENV.jwksFile]: `${SIGNING_KEYS_DIR}/${SIGNING_KEYS_FILE}` }),
        }).map(([name, value]) => [name, kplus.EnvValue.fromValue(value)]),
      ),
    });
    // The root filesystem is read-only; /tmp is a small scratch volume.
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(64) }));
    if ((service.secrets ?? []).length > 0) {
      const volume = kplus.Volume.fromCsi(this, 'SecretsVolume', SECRETS_STORE_CSI_DRIVER, {
        name: 'secrets',
        readOnly: true,
        attributes: { secretProviderClass: secretProviderClassName(service) },
      });
      container.mount(SERVICE_SECRETS_DIR, volume, { readOnly: true });
    }
    if (props.signingKeysJwksBase64 !== undefined) {
      const keys = new kplus.ConfigMap(this, 'SigningKeys', {
        metadata: { name: `${service.name}-signing-keys`, namespace: service.namespace },
        binaryData: { [SIGNING_KEYS_FILE]: props.signingKeysJwksBase64 },
      });
      container.mount(SIGNING_KEYS_DIR, kplus.Volume.fromConfigMap(this, 'SigningKeysVolume', keys, { name: 'signing-keys' }), {
        readOnly: true,
      });
    }
    if (native) {
      const secret = kplus.Secret.fromSecretName(this, 'WorkloadIdentity', workloadCertificateSecretName(asCaller(service)));
      const volume = kplus.Volume.fromSecret(this, 'WorkloadIdentityVolume', secret, { name: 'workload-identity', defaultMode: 0o440 });
      container.mount(WORKLOAD_CERT_DIR, volume, { readOnly: true });
    }
  }

  /** At most one pod down for voluntary disruptions (node drains, upgrades); works with a single replica too. */
  private disruptionBudget(labels: Record<string, string>): IPodDisruptionBudget {
    return {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: this.service.name, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    };
  }
}
