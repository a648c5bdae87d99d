import { Token } from 'aws-cdk-lib';
import { App, Chart } from 'cdk8s';
import { ValidCatalogue } from '../catalogue/validate-catalogue';
import { ConfigError, ConfigErrors } from '../catalogue/config-error';
import { MtlsMode } from '../catalogue/service-contract';
import { INGRESS_CHART_ID, INGRESS_PORTS, IngressChart, IngressListener } from './ingress-chart';
import { PlatformBaselineChart } from './platform-baseline-chart';
import { ServiceChart } from './service-chart';
import { edgeListenerEnvironment, withEdgeWorkload } from './edge-workload';
import { environmentErrors } from './service-environment';
import { checkImage, checkWorkload, ProfileName, resolveWorkload, WorkloadOptions } from './workload-settings';

/** Everything the charts need; the workload options apply to every service. */
export interface PlatformChartsProps extends WorkloadOptions {
  /** The service catalogue, validated (see `validateServiceCatalogue`). */
  readonly catalogue: ValidCatalogue;
  /** `prod` accepts only images pinned by digest. */
  readonly profile: ProfileName;
  /** `istio-ambient`: ztunnel does mTLS and AuthorizationPolicies check peers; `native`: services do, with cert-manager certificates. */
  readonly mtls: MtlsMode;
  /**
   * Image of every catalogue service, by service name: `<ECR repository URI>@sha256:<64 hex>`. A tag is accepted
   * in dev only, with a warning: a tag can be moved to other bytes after the image was scanned and reviewed.
   * In native mode, the key `catalogue.ingress.serviceAccount` (`ingress-gateway`) is the edge proxy's image
   * (services/edge); without it nothing serves the load balancer in native mode, and the charts warn.
   */
  readonly images: Readonly<Record<string, string>>;
  /**
   * The registry host the workload namespaces admit images from (a ValidatingAdmissionPolicy; by digest only in prod),
   * e.g. `<account>.dkr.ecr.<region>.amazonaws.com`.
   * @default - the one registry host the literal images of `images` name; required when there is none or several
   */
  readonly imageRegistry?: string;
  /**
   * Require every image from the registry to carry the cosign keyless signature of this GitHub repository's delivery
   * workflow (a Kyverno ClusterPolicy; Kyverno must already run, see ImageSignatureVerification).
   * @default - no signature verification
   */
  readonly signatureRepository?: string;
  /**
   * IAM role ARN per service name, bound to the service's ServiceAccount by an EKS Pod Identity association on the
   * AWS side; written as an annotation so a reader of the manifests sees it.
   * @default - no annotation
   */
  readonly roleArns?: Readonly<Record<string, string>>;
  /**
   * Target group (created by CDK) that the ingress Service is registered in, through a TargetGroupBinding.
   * @default - no TargetGroupBinding
   */
  readonly ingressTargetGroupArn?: string;
  /** @default - `catalogue.ingress.serviceAccount`: the ingress Service in `catalogue.ingress.namespace` */
  readonly ingressServiceName?: string;
  /** @default 443 (INGRESS_PORTS.service) */
  readonly ingressServicePort?: number;
  /**
   * Where the private load balancer connects to the ingress (gateway or edge proxy) from (the VPC CIDR).
   * @default - none: the gateway's NetworkPolicy admits nothing, so no request reaches the cluster
   */
  readonly ingressSourceCidrs?: readonly string[];
  /**
   * Host name API Gateway sends to the ingress (`ingress.<edge.domain.domainName>`): the name on the ingress
   * certificate and the only host the mesh gateway routes.
   * @default - the ingress Service's cluster DNS name on the certificate, and any host routed
   */
  readonly ingressHostname?: string;
  /**
   * How the ingress (mesh gateway or edge proxy) faces the load balancer. `plaintext` is the dev fallback without a
   * domain: API Gateway cannot verify any certificate the platform issues without a public name.
   * @default 'tls' - the load balancer re-encrypts to the ingress's `platform-ca` certificate
   */
  readonly ingressListener?: IngressListener;
  /**
   * More environment variables per service name, e.g. `{ orders: { TABLE_NAME: table.tableName, COGNITO_USER_POOL_ID: … } }`
   * (CDK tokens allowed); the chart's own variables (MTLS_MODE, PORT, HEALTH_PORT, TLS_*, `<CALLEE>_URL`) cannot be overridden.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The user pool's signing keys, base64 (ServiceChartProps.signingKeysJwksBase64). @default - each workload fetches them from Cognito */
  readonly signingKeysJwksBase64?: string;
  /**
   * Secrets Manager names of the services' catalogue secrets, by service name, then secret name.
   * @default - `<service>/<secret>` for each (see ServiceChartProps.secretNames)
   */
  readonly secretNames?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** @default console.warn - receives warnings such as an image pinned by tag in dev */
  readonly warn?: (message: string) => void;
}

/** The charts of the platform; add `all` to the cluster in this order (services depend on the baseline). */
export interface PlatformCharts {
  /**
   * The mesh ingress (ambient mode), first: the baseline binds the ingress Service in its namespace to the target group.
   * Absent in native mode, where the services terminate mTLS themselves and the edge proxy (`edge`) takes its place.
   */
  readonly ingress?: IngressChart;
  readonly baseline: PlatformBaselineChart;
  /** By service name. */
  readonly services: Readonly<Record<string, ServiceChart>>;
  /** The edge proxy (native mode with an edge image): the ingress Deployment, Service and NetworkPolicy. */
  readonly edge?: ServiceChart;
  readonly all: readonly Chart[];
}

/** Construct id of the edge proxy's chart (also its manifest file name). */
export const EDGE_CHART_ID = 'platform-edge';

/** Construct id of the baseline chart (also its manifest file name). */
export const BASELINE_CHART_ID = 'platform-baseline';

const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

/** Every input problem, found in one pass before anything is built. */
export function checkPlatformChartsProps(props: PlatformChartsProps): ConfigError[] {
  const names = props.catalogue.services.map((service) => service.name);
  const edge = props.catalogue.ingress.serviceAccount;
  // Images and environment may also name the edge proxy, which runs in native mode only.
  const workloads = props.mtls === 'native' ? [...names, edge] : names;
  const unknownKeys = (field: string, record: Readonly<Record<string, unknown>>, known: readonly string[]) =>
    Object.keys(record)
      .filter((key) => !known.includes(key))
      .map((key) => new ConfigError(`${field}.${key}`, record[key], `no service ${key} in the catalogue: use one of ${known.join(', ')}`));
  const errors = [
    ...unknownKeys('images', props.images, workloads),
    ...unknownKeys('roleArns', props.roleArns ?? {}, names),
    ...unknownKeys('environment', props.environment ?? {}, workloads),
    ...names.flatMap((name) => checkImage(`images.${name}`, props.images[name], props.profile).errors),
    ...(props.images[edge] !== undefined ? checkImage(`images.${edge}`, props.images[edge], props.profile).errors : []),
    ...props.catalogue.services.flatMap((service) =>
      environmentErrors(props.catalogue, service, props.mtls, props.environment?.[service.name]),
    ),
    ...checkWorkload(resolveWorkload(props.profile, props)),
  ];
  if (imageRegistry(props) === undefined) {
    errors.push(
      new ConfigError(
        'imageRegistry',
        props.imageRegistry,
        'the images name no single registry host: set imageRegistry to the ECR registry, e.g. <account>.dkr.ecr.<region>.amazonaws.com',
      ),
    );
  }
  const port = props.ingressServicePort;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    errors.push(new ConfigError('ingressServicePort', port, 'use a whole number from 1 to 65535'));
  }
  const serviceName = props.ingressServiceName;
  if (serviceName !== undefined && !DNS_LABEL.test(serviceName)) {
    errors.push(new ConfigError('ingressServiceName', serviceName, 'use the name of the ingress Service: a lowercase DNS label'));
  }
  if (props.profile === 'prod' && props.ingressListener === 'plaintext') {
    errors.push(new ConfigError('ingressListener', props.ingressListener, "prod serves the ingress over TLS only: use 'tls'"));
  }
  const arn = props.ingressTargetGroupArn;
  if (arn !== undefined && !Token.isUnresolved(arn) && !TARGET_GROUP_ARN.test(arn)) {
    errors.push(
      new ConfigError(
        'ingressTargetGroupArn',
        arn,
        'use a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>), e.g. targetGroup.targetGroupArn',
      ),
    );
  }
  return errors;
}

/**
 * The registry the admission policy admits: the configured one, else the one registry host the images name (hosts
 * that are deploy-time tokens, and names without a registry, cannot tell).
 */
function imageRegistry(props: PlatformChartsProps): string | undefined {
  if (props.imageRegistry !== undefined) return props.imageRegistry;
  const hosts = new Set(
    Object.values(props.images)
      .filter((image) => image.includes('/'))
      .map((image) => image.split('/')[0])
      .filter((host) => host.includes('.') && !Token.isUnresolved(host)),
  );
  return hosts.size === 1 ? [...hosts][0] : undefined;
}

/**
 * Builds every chart of the platform in `app`: the baseline, then one chart per catalogue service.
 * Throws ConfigErrors (each naming the field and the fix) before building anything if the input is bad.
 */
export function createPlatformCharts(app: App, props: PlatformChartsProps): PlatformCharts {
  const errors = checkPlatformChartsProps(props);
  if (errors.length > 0) throw new ConfigErrors(errors);
  const {
    catalogue,
    profile,
    mtls,
    images,
    roleArns = {},
    environment = {},
    secretNames = {},
    warn,
    ingressTargetGroupArn,
    ingressServiceName = catalogue.ingress.serviceAccount,
    ingressServicePort = INGRESS_PORTS.service,
    ingressSourceCidrs,
    ingressHostname,
    ingressListener = 'tls',
    imageRegistry: _registry,
    signatureRepository,
    signingKeysJwksBase64,
    ...workloadOptions
  } = props;
  const ingress =
    mtls === 'istio-ambient'
      ? new IngressChart(app, INGRESS_CHART_ID, {
          catalogue,
          sourceCidrs: ingressSourceCidrs,
          hostname: ingressHostname,
          listener: ingressListener,
        })
      : undefined;
  const edgeName = catalogue.ingress.serviceAccount;
  const edgeImage = mtls === 'native' ? images[edgeName] : undefined;
  if (mtls === 'native' && edgeImage === undefined) {
    (warn ?? console.warn)(`native mTLS without images.${edgeName}: no edge proxy serves the load balancer, so API requests fail`);
  }
  const baseline = new PlatformBaselineChart(app, BASELINE_CHART_ID, {
    catalogue,
    mtls,
    workload: resolveWorkload(profile, workloadOptions),
    ingressTargetGroupArn,
    ingressServiceName,
    ingressServicePort,
    ingressListener,
    ingressNamespace: edgeImage !== undefined,
    imageRegistry: imageRegistry(props),
    requireImageDigest: profile === 'prod',
    signatureRepository,
  });
  if (ingress) baseline.addDependency(ingress);
  const services: Record<string, ServiceChart> = {};
  for (const service of catalogue.services) {
    const chart = new ServiceChart(app, `service-${service.name}`, {
      ...workloadOptions,
      catalogue,
      serviceName: service.name,
      profile,
      mtls,
      image: images[service.name],
      roleArn: roleArns[service.name],
      environment: environment[service.name],
      signingKeysJwksBase64,
      secretNames: secretNames[service.name],
      warn,
    });
    chart.addDependency(baseline);
    services[service.name] = chart;
  }
  const edge =
    edgeImage === undefined
      ? undefined
      : new ServiceChart(app, EDGE_CHART_ID, {
          ...workloadOptions,
          catalogue: withEdgeWorkload(catalogue),
          serviceName: edgeName,
          profile,
          mtls,
          image: edgeImage,
          environment: { ...environment[edgeName], ...edgeListenerEnvironment(ingressListener) },
          signingKeysJwksBase64,
          servicePort: ingressServicePort,
          sourceCidrs: ingressSourceCidrs,
          warn,
        });
  edge?.node.addDependency(baseline);
  return {
    ingress,
    baseline,
    services,
    edge,
    all: [...(ingress ? [ingress] : []), baseline, ...Object.values(services), ...(edge ? [edge] : [])],
  };
}
