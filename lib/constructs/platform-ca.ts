import type { IAWSPCAClusterIssuer } from '@kubernetes-models/cert-manager/awspca.cert-manager.io/v1beta1/AWSPCAClusterIssuer';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { Stack } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IDependable } from 'constructs';
import { PLATFORM_CA_ISSUER } from '../charts/workload-certificates';
import { ClusterManifest } from './cluster-manifest';
import { HelmChartSource, HelmComponent } from './helm-component';
import { refuseDependenciesOnItself } from '../private/parts-beside';

/** Where cert-manager and the Private CA issuer run. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

/** The charts of the platform CA, pinned. */
export interface PlatformCaCharts {
  /** The jetstack `cert-manager` chart. */
  readonly certManager: HelmChartSource;
  /** The `aws-privateca-issuer` chart, installed only with a `privateCa`. */
  readonly awsPrivateCaIssuer: HelmChartSource;
}

export interface PlatformCaProps {
  readonly cluster: eks.ICluster;
  readonly charts: PlatformCaCharts;
  /**
   * AWS Private CA that signs the platform CA (prod). Issuance through aws-privateca-issuer is billed per certificate,
   * so it signs one intermediate that cert-manager then uses for the short-lived workload certificates.
   * @default - a self-signed root created in the cluster (dev)
   */
  readonly privateCa?: acmpca.ICertificateAuthority;
  /** Installed after these (nodes, DNS, the entry-point policy), and uninstalled before them. @default - none */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * The platform CA that signs workload certificates: cert-manager, the `platform-ca` ClusterIssuer and its CA
 * certificate, signed by a self-signed root or, through aws-privateca-issuer (with a Pod Identity role that may use
 * only that CA), by an AWS Private CA. cert-manager calls no AWS API and gets no AWS identity.
 *
 * Its parts are created in `scope`, beside this construct, under ids that do not change with it: construct paths are
 * the CloudFormation logical ids of the Helm releases and manifests, and a new id would install them again and delete
 * the old ones. Depending on the CA depends on every part; the other direction, tags and acknowledgements must go to
 * the parts or the scope (a dependency added on the CA itself fails synth). One per scope.
 */
export class PlatformCa extends Construct {
  readonly certManager: HelmComponent;
  /** Present with a `privateCa`. */
  readonly privateCaIssuer?: HelmComponent;
  /** The `platform-ca` issuer, its CA certificate and the issuer that signs it. */
  readonly issuers: ClusterManifest;

  constructor(scope: Construct, id: string, props: PlatformCaProps) {
    super(scope, id);
    refuseDependenciesOnItself(this, 'Helm releases and manifests');
    const { cluster } = props;
    const dependsOn = props.dependsOn ?? [];
    this.certManager = new HelmComponent(scope, 'CertManager', {
      cluster,
      source: props.charts.certManager,
      namespace: CERT_MANAGER_NAMESPACE,
      values: { crds: { enabled: true } },
      dependsOn,
    });

    let caSigner: { readonly group: string; readonly kind: string; readonly name: string };
    const signerObjects: object[] = [];
    const caDependsOn: IDependable[] = [this.certManager];
    if (props.privateCa) {
      this.privateCaIssuer = new HelmComponent(scope, 'AwsPrivateCaIssuer', {
        cluster,
        source: props.charts.awsPrivateCaIssuer,
        namespace: CERT_MANAGER_NAMESPACE,
        // The permissions aws-privateca-issuer documents, on the one CA.
        awsIdentity: {
          serviceAccount: 'aws-privateca-issuer',
          statements: [
            new iam.PolicyStatement({
              actions: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:IssueCertificate'],
              resources: [props.privateCa.certificateAuthorityArn],
            }),
          ],
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
    this.issuers = new ClusterManifest(scope, 'PlatformCa', {
      cluster,
      manifest: [...signerObjects, caCertificate, platformCa],
      dependsOn: caDependsOn,
    });
    Dependable.implement(this, {
      dependencyRoots: [this.certManager, ...(this.privateCaIssuer ? [this.privateCaIssuer] : []), this.issuers],
    });
  }
}
