import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct, IDependable } from 'constructs';
import { IngressIdentity } from '../catalogue/service-catalogue';
import { MtlsMode } from '../catalogue/service-contract';
import { AwsLoadBalancerController } from './aws-load-balancer-controller';
import { EntryPointPolicy } from './entry-point-policy';
import { HelmChartSource, HelmComponent } from './helm-component';
import { ImageSignatureVerification } from './image-signature-verification';
import { IstioAmbientMesh } from './istio-ambient-mesh';
import { PlatformCa } from './platform-ca';

/** Chart repositories; the versions come from the `cluster.helm` configuration, so both are pinned in one place. */
export const HELM_REPOSITORIES = {
  eksCharts: 'https://aws.github.io/eks-charts',
  istio: 'https://istio-release.storage.googleapis.com/charts',
  jetstack: 'https://charts.jetstack.io',
  awsPrivateCaIssuer: 'https://cert-manager.github.io/aws-privateca-issuer',
  awsSecretsProvider: 'https://aws.github.io/secrets-store-csi-driver-provider-aws',
  kyverno: 'https://kyverno.github.io/kyverno/',
} as const;

/** Helm chart versions of the platform components, pinned in one place. */
export interface HelmVersions {
  /** The eks-charts `aws-load-balancer-controller` chart. */
  readonly awsLoadBalancerController: string;
  /** Every Istio chart (base, istiod, cni, ztunnel, gateway): Istio supports no skew between them. */
  readonly istio: string;
  /** The jetstack `cert-manager` chart. */
  readonly certManager: string;
  /** The `aws-privateca-issuer` chart, installed when a Private CA signs the platform CA. */
  readonly awsPrivateCaIssuer: string;
  /**
   * The `secrets-store-csi-driver-provider-aws` chart (AWS Secrets and Configuration Provider), which also installs
   * its pinned Secrets Store CSI driver subchart.
   */
  readonly secretsStoreCsiProviderAws: string;
  /** The `kyverno` chart, installed when image signatures are verified at admission. */
  readonly kyverno: string;
}

/** Every chart the platform installs, from the pinned versions. */
export function platformCharts(versions: HelmVersions) {
  const istio = (chart: string): HelmChartSource => ({ repository: HELM_REPOSITORIES.istio, chart, version: versions.istio });
  return {
    awsLoadBalancerController: {
      repository: HELM_REPOSITORIES.eksCharts,
      chart: 'aws-load-balancer-controller',
      version: versions.awsLoadBalancerController,
    },
    istioBase: istio('base'),
    istiod: istio('istiod'),
    istioCni: istio('cni'),
    ztunnel: istio('ztunnel'),
    istioGateway: istio('gateway'),
    certManager: { repository: HELM_REPOSITORIES.jetstack, chart: 'cert-manager', version: versions.certManager },
    awsPrivateCaIssuer: {
      repository: HELM_REPOSITORIES.awsPrivateCaIssuer,
      chart: 'aws-privateca-issuer',
      version: versions.awsPrivateCaIssuer,
    },
    secretsStoreCsiProviderAws: {
      repository: HELM_REPOSITORIES.awsSecretsProvider,
      chart: 'secrets-store-csi-driver-provider-aws',
      version: versions.secretsStoreCsiProviderAws,
    },
    kyverno: { repository: HELM_REPOSITORIES.kyverno, chart: 'kyverno', version: versions.kyverno },
  } satisfies Record<string, HelmChartSource>;
}

/** Where the Secrets Store CSI driver and its AWS provider run (node-level DaemonSets). */
export const SECRETS_STORE_NAMESPACE = 'kube-system';

/**
 * How often the CSI driver re-fetches every mounted secret, so a rotated value reaches the pods' files within this
 * (the services then re-read the file, see services/orders/src/config.ts). Each poll is one GetSecretValue per pod and
 * secret: minutes, not seconds.
 */
export const SECRET_ROTATION_POLL_INTERVAL = '2m';

/**
 * The AWS provider's chart values: install the CSI driver subchart; never copy secrets into Kubernetes Secrets (they
 * stay files in the pods that mount them); have the driver hand the provider a service-account token for EKS Pod
 * Identity (`usePodIdentity: "true"` in each SecretProviderClass), so each pod reads with its own role; and re-fetch
 * mounted secrets every SECRET_ROTATION_POLL_INTERVAL, so rotated secrets reach running pods without a restart.
 */
export const SECRETS_STORE_VALUES = {
  'secrets-store-csi-driver': {
    install: true,
    syncSecret: { enabled: false },
    tokenRequests: [{ audience: 'pods.eks.amazonaws.com' }],
    enableSecretRotation: true,
    rotationPollInterval: SECRET_ROTATION_POLL_INTERVAL,
  },
};

export interface PlatformComponentsProps {
  readonly cluster: eks.ICluster;
  readonly versions: HelmVersions;
  /** The target group the ingress pods are bound to (TargetGroupBinding); the load balancer controller may register targets in it only. */
  readonly ingressTargetGroup: elbv2.ITargetGroup;
  /** Istio ambient mesh (ztunnel mTLS, mesh-wide STRICT) or services' own mTLS with platform-CA certificates. */
  readonly mtls: MtlsMode;
  /**
   * AWS Private CA that signs the platform CA (prod). Issuance through aws-privateca-issuer is billed per certificate,
   * so it signs one intermediate that cert-manager then uses for the short-lived workload certificates.
   * @default - a self-signed root created in the cluster (dev)
   */
  readonly privateCa?: acmpca.ICertificateAuthority;
  /** Namespace and service account of the ingress gateway the private load balancer forwards to (ambient mode). */
  readonly ingress: IngressIdentity;
  /**
   * Verify image signatures at admission: Kyverno, its webhooks scoped to these workload namespaces, reading
   * signatures from the repositories under this prefix.
   * @default - no signature verification (the registry and digest admission policy alone)
   */
  readonly signatureVerification?: { readonly workloadNamespaces: readonly string[]; readonly repositoryPrefix: string };
  /** Components are installed after these (nodes, coredns) and uninstalled before them on teardown. */
  readonly dependsOn: readonly IDependable[];
}

/**
 * The platform's in-cluster components, each from a pinned chart and, when it calls AWS, with its own Pod Identity
 * role holding exactly what it needs: the entry-point admission policy, applied before every chart; the AWS Load
 * Balancer Controller; the Istio ambient mesh (ambient mode); the platform CA. It keeps every part's construct id
 * directly under it, as the ids have always been, so the logical ids of the releases and the acknowledged paths
 * (`Cluster/Components/...`) stay put.
 */
export class PlatformComponents extends Construct {
  /** Rejects LoadBalancer and NodePort Services and Ingresses; every chart is installed after it. */
  readonly entryPointPolicy: EntryPointPolicy;
  readonly loadBalancerController: AwsLoadBalancerController;
  /** Present in ambient mode. */
  readonly mesh?: IstioAmbientMesh;
  readonly platformCa: PlatformCa;
  /** Mounts the services' Secrets Manager secrets as files (SecretProviderClass objects need its CRDs first). */
  readonly secretsStore: HelmComponent;
  /** Present when image signatures are verified. */
  readonly signatureVerification?: ImageSignatureVerification;

  constructor(scope: Construct, id: string, props: PlatformComponentsProps) {
    super(scope, id);
    const { cluster } = props;
    const charts = platformCharts(props.versions);
    // First, so that no chart's Service is ever admitted without it.
    this.entryPointPolicy = new EntryPointPolicy(this, 'EntryPointPolicy', { cluster });
    const dependsOn = [...props.dependsOn, this.entryPointPolicy];

    this.loadBalancerController = new AwsLoadBalancerController(this, 'AwsLoadBalancerController', {
      cluster,
      source: charts.awsLoadBalancerController,
      ingressTargetGroup: props.ingressTargetGroup,
      dependsOn,
    });
    // In native mode the services terminate mTLS themselves and no mesh or gateway is installed.
    if (props.mtls === 'istio-ambient') {
      this.mesh = new IstioAmbientMesh(this, 'Mesh', { cluster, charts, ingress: props.ingress, dependsOn });
    }
    this.platformCa = new PlatformCa(this, 'CertificateAuthority', { cluster, charts, privateCa: props.privateCa, dependsOn });
    this.secretsStore = new HelmComponent(this, 'SecretsStore', {
      cluster,
      source: charts.secretsStoreCsiProviderAws,
      namespace: SECRETS_STORE_NAMESPACE,
      values: SECRETS_STORE_VALUES,
      dependsOn,
    });
    // Its webhooks admit the workload namespaces only, so no other chart waits for it or is blocked by it.
    if (props.signatureVerification) {
      this.signatureVerification = new ImageSignatureVerification(this, 'SignatureVerification', {
        cluster,
        source: charts.kyverno,
        ...props.signatureVerification,
        dependsOn,
      });
    }
  }
}
