import type { IAWSPCAClusterIssuer } from '@kubernetes-models/cert-manager/awspca.cert-manager.io/v1beta1/AWSPCAClusterIssuer';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { Stack } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { IngressIdentity } from '../catalogue/service-catalogue';
import { MtlsMode } from '../catalogue/service-contract';
import { PLATFORM_CA_ISSUER } from '../charts/workload-certificates';
import { ClusterManifest } from './cluster-manifest';
import { EntryPointPolicy } from './entry-point-policy';
import { HelmChartSource, HelmComponent } from './helm-component';
import { IngressGateway } from './ingress-gateway';

/** Chart repositories; the versions come from the `cluster.helm` configuration, so both are pinned in one place. */
export const HELM_REPOSITORIES = {
  eksCharts: 'https://aws.github.io/eks-charts',
  istio: 'https://istio-release.storage.googleapis.com/charts',
  jetstack: 'https://charts.jetstack.io',
  awsPrivateCaIssuer: 'https://cert-manager.github.io/aws-privateca-issuer',
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
}

/** Every chart the platform installs, from the pinned versions. */
export function platformCharts(versions: HelmVersions) {
  const istio = (chart: string): HelmChartSource => ({ repository: HELM_REPOSITORIES.istio, chart, version: versions.istio });
  return {
    awsLoadBalancerController: { repository: HELM_REPOSITORIES.eksCharts, chart: 'aws-load-balancer-controller', version: versions.awsLoadBalancerController },
    istioBase: istio('base'),
    istiod: istio('istiod'),
    istioCni: istio('cni'),
    ztunnel: istio('ztunnel'),
    istioGateway: istio('gateway'),
    certManager: { repository: HELM_REPOSITORIES.jetstack, chart: 'cert-manager', version: versions.certManager },
    awsPrivateCaIssuer: { repository: HELM_REPOSITORIES.awsPrivateCaIssuer, chart: 'aws-privateca-issuer', version: versions.awsPrivateCaIssuer },
  } satisfies Record<string, HelmChartSource>;
}

const CERT_MANAGER_NAMESPACE = 'cert-manager';
const ISTIO_NAMESPACE = 'istio-system';

/**
 * An IngressClass name the platform reserves and never creates. Chart 1.17.1 (controller v2.17.1) always runs the
 * controller's Ingress reconciler (main.go sets it up unconditionally), so it is narrowed instead: with `--ingress-class`
 * set it ignores Ingresses without a class, it takes annotated ones only for this name, and by `spec.ingressClassName`
 * only those whose IngressClass names its controller (`ingress.k8s.aws/alb`), which the chart then no longer creates
 * (pkg/ingress/group_loader.go, class_loader.go, class_annotation_matcher.go at v2.17.1). The entry-point policy rejects
 * every Ingress in any case.
 */
export const RESERVED_INGRESS_CLASS = 'platform-reserved';

/**
 * What the AWS Load Balancer Controller needs to keep the ingress pods registered in the platform's target group, and
 * nothing else. It starts from the subset the controller documents for TargetGroupBinding-only use without
 * security-group management (docs/deploy/installation.md at v2.17.1, "You only want the LBC to add and remove IPs to
 * already existing target groups") and drops what a binding without `networking` never calls there: ModifyTargetGroup
 * and ModifyTargetGroupAttributes (only the Ingress, Service and Gateway deployers of pkg/deploy/elbv2 call them) and
 * ec2:DescribeInstances (VPC discovery, skipped because `vpcId` is given, and the networking rules' ENI lookups).
 * What stays: DescribeTargetGroups (the binding webhooks), DescribeTargetHealth (which targets are registered, and
 * the pods' readiness gates), DescribeVpcs (whether a pod IP is inside the VPC), DescribeSecurityGroups (the
 * reconciler reads the cluster's groups to clean up rules it once labelled; there are none), and registering and
 * deregistering targets of the one target group. No load balancer, listener, security-group, WAF or Shield action is
 * granted, so an Ingress or a Service that got past admission still could not open a load balancer.
 */
export function loadBalancerControllerStatements(targetGroup: elbv2.ITargetGroup): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      // These Describe calls support no resource-level permissions.
      actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
      resources: [targetGroup.targetGroupArn],
    }),
  ];
}

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
  /** Components are installed after these (nodes, coredns) and uninstalled before them on teardown. */
  readonly dependsOn: readonly IDependable[];
}

/**
 * The platform's in-cluster components, each from a pinned chart and, when it calls AWS, with its own Pod Identity
 * role holding exactly what it needs: the entry-point admission policy, applied before every chart; the AWS Load
 * Balancer Controller, reconciling TargetGroupBindings only; Istio ambient (base, istiod, cni, ztunnel) with
 * mesh-wide STRICT mTLS and the ingress gateway behind the private load balancer; cert-manager with the `platform-ca`
 * ClusterIssuer; aws-privateca-issuer when a Private CA is given. Istio and cert-manager call no AWS API and get no
 * AWS identity.
 */
export class PlatformComponents extends Construct {
  /** Rejects LoadBalancer and NodePort Services and Ingresses; every chart is installed after it. */
  readonly entryPointPolicy: EntryPointPolicy;
  readonly loadBalancerController: HelmComponent;
  readonly certManager: HelmComponent;
  readonly privateCaIssuer?: HelmComponent;
  /** Present in ambient mode. */
  readonly istio?: { readonly base: HelmComponent; readonly istiod: HelmComponent; readonly cni: HelmComponent; readonly ztunnel: HelmComponent };
  /** The `platform-ca` issuer and its CA certificate. */
  readonly platformCa: ClusterManifest;
  /** Mesh-wide STRICT PeerAuthentication (ambient mode). */
  readonly meshPolicy?: ClusterManifest;
  /** The pods and Service the private load balancer forwards to (ambient mode); the ingress chart configures them. */
  readonly ingressGateway?: IngressGateway;

  constructor(scope: Construct, id: string, props: PlatformComponentsProps) {
    super(scope, id);
    const { cluster } = props;
    const charts = platformCharts(props.versions);
    // First, so that no chart's Service is ever admitted without it.
    this.entryPointPolicy = new EntryPointPolicy(this, 'EntryPointPolicy', { cluster });
    const dependsOn = [...props.dependsOn, this.entryPointPolicy];

    this.loadBalancerController = new HelmComponent(this, 'AwsLoadBalancerController', {
      cluster,
      source: charts.awsLoadBalancerController,
      namespace: 'kube-system',
      awsIdentity: { serviceAccount: 'aws-load-balancer-controller', statements: loadBalancerControllerStatements(props.ingressTargetGroup) },
      // Region and VPC are given because the IMDS hop limit of 1 keeps the controller from discovering them.
      values: {
        clusterName: cluster.clusterName,
        region: Stack.of(this).region,
        vpcId: cluster.vpc.vpcId,
        serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
        // Its fail-closed Service webhook would reject the other charts' Services while the controller's pods start
        // (aws-load-balancer-controller#4140); it only defaults Services of type LoadBalancer, which the platform never makes.
        enableServiceMutatorWebhook: false,
        // TargetGroupBindings only. The Service reconciler is off (feature gate EnableServiceController, which main.go
        // of v2.17.1 checks before setting it up); the Ingress reconciler cannot be turned off, see RESERVED_INGRESS_CLASS.
        controllerConfig: { featureGates: { EnableServiceController: false } },
        ingressClass: RESERVED_INGRESS_CLASS,
        createIngressClassResource: false,
      },
      dependsOn,
    });

    if (props.mtls === 'istio-ambient') {
      // Release names as in Istio's Helm installation guide.
      const component = (componentId: string, source: HelmChartSource, release: string, values: Record<string, unknown>, after: IDependable[]) =>
        new HelmComponent(this, componentId, { cluster, source, release, namespace: ISTIO_NAMESPACE, values, dependsOn: [...dependsOn, ...after] });
      const base = component('IstioBase', charts.istioBase, 'istio-base', {}, []);
      const istiod = component('Istiod', charts.istiod, 'istiod', { profile: 'ambient' }, [base]);
      const cni = component('IstioCni', charts.istioCni, 'istio-cni', { profile: 'ambient' }, [istiod]);
      const ztunnel = component('Ztunnel', charts.ztunnel, 'ztunnel', {}, [cni]);
      this.istio = { base, istiod, cni, ztunnel };
      const strict: IPeerAuthentication = {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: ISTIO_NAMESPACE },
        spec: { mtls: { mode: 'STRICT' } },
      };
      this.meshPolicy = new ClusterManifest(this, 'MeshStrictMtls', { cluster, manifest: [strict], dependsOn: [ztunnel] });
      // istiod injects the gateway's proxy; in native mode the services terminate TLS and no gateway is installed.
      this.ingressGateway = new IngressGateway(this, 'IngressGateway', {
        cluster,
        source: charts.istioGateway,
        identity: props.ingress,
        dependsOn: [...dependsOn, ztunnel],
      });
    }

    this.certManager = new HelmComponent(this, 'CertManager', {
      cluster,
      source: charts.certManager,
      namespace: CERT_MANAGER_NAMESPACE,
      values: { crds: { enabled: true } },
      dependsOn,
    });

    let caSigner: { readonly group: string; readonly kind: string; readonly name: string };
    const signerObjects: object[] = [];
    const caDependsOn: IDependable[] = [this.certManager];
    if (props.privateCa) {
      this.privateCaIssuer = new HelmComponent(this, 'AwsPrivateCaIssuer', {
        cluster,
        source: charts.awsPrivateCaIssuer,
        namespace: CERT_MANAGER_NAMESPACE,
        // The permissions aws-privateca-issuer documents, on the one CA.
        awsIdentity: {
          serviceAccount: 'aws-privateca-issuer',
          statements: [new iam.PolicyStatement({
            actions: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:IssueCertificate'],
            resources: [props.privateCa.certificateAuthorityArn],
          })],
        },
        values: { serviceAccount: { create: true, name: 'aws-privateca-issuer' } },
        dependsOn: [...dependsOn, this.certManager],
      });
      caDependsOn.push(this.privateCaIssuer);
      const pcaIssuer: IAWSPCAClusterIssuer = {
        apiVersion: 'awspca.cert-manager.io/v1beta1',
        kind: 'AWSPCAClusterIssuer',
        metadata: { name: 'platform-aws-private-ca' },
        spec: { arn: props.privateCa.certificateAuthorityArn, region: Stack.of(this).region },
      };
      signerObjects.push(pcaIssuer);
      caSigner = { group: 'awspca.cert-manager.io', kind: 'AWSPCAClusterIssuer', name: 'platform-aws-private-ca' };
    } else {
      const selfSigned: IClusterIssuer = {
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: 'platform-self-signed' },
        spec: { selfSigned: {} },
      };
      signerObjects.push(selfSigned);
      caSigner = { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'platform-self-signed' };
    }
    // The platform CA's key pair lives in a secret of cert-manager's namespace (envelope-encrypted with the
    // cluster-secrets key); the ClusterIssuer signs workload certificates with it.
    const caCertificate: ICertificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: PLATFORM_CA_ISSUER, namespace: CERT_MANAGER_NAMESPACE },
      spec: {
        isCA: true,
        commonName: 'platform-ca',
        secretName: PLATFORM_CA_ISSUER,
        duration: '8760h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: caSigner,
      },
    };
    const platformCa: IClusterIssuer = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: PLATFORM_CA_ISSUER },
      spec: { ca: { secretName: PLATFORM_CA_ISSUER } },
    };
    this.platformCa = new ClusterManifest(this, 'PlatformCa', {
      cluster,
      manifest: [...signerObjects, caCertificate, platformCa],
      dependsOn: caDependsOn,
    });
  }
}
