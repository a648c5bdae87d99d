import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { HelmChartSource, HelmComponent } from './helm-component';
import { repositoriesUnder } from './service-repository';

/** Signature verification at admission: none (the registry/digest policy alone), or the delivery workflow's cosign keyless signature. */
export type ImageSignatureMode = 'off' | 'cosign-keyless';

export const IMAGE_SIGNATURE_MODES: readonly ImageSignatureMode[] = ['off', 'cosign-keyless'];

/** Where Kyverno runs, and the service account of its admission controller (the one that reads signatures from ECR). */
export const KYVERNO_NAMESPACE = 'kyverno';
export const KYVERNO_ADMISSION_SERVICE_ACCOUNT = 'kyverno-admission-controller';

/** Pod-level settings of the restricted Pod Security profile; the chart's containers already drop every capability, run as non-root with a read-only root filesystem. */
const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/**
 * Kyverno chart values: an HA admission controller (three replicas, a disruption budget) with restricted pods, whose
 * webhooks admit only the platform's workload namespaces, so that while Kyverno is down no platform component (or any
 * other namespace) is blocked; no background or cleanup controller (the signature policy neither generates, mutates
 * existing objects nor cleans up, and each would register more fail-closed webhooks).
 */
export function kyvernoValues(workloadNamespaces: readonly string[]): Record<string, unknown> {
  return {
    admissionController: {
      replicas: 3,
      podDisruptionBudget: { enabled: true, minAvailable: 2 },
      podSecurityContext: RESTRICTED_POD,
      rbac: { serviceAccount: { name: KYVERNO_ADMISSION_SERVICE_ACCOUNT } },
    },
    reportsController: { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 }, podSecurityContext: RESTRICTED_POD },
    backgroundController: { enabled: false },
    cleanupController: { enabled: false },
    config: {
      webhooks: {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...workloadNamespaces] }],
        },
      },
    },
  };
}

export interface ImageSignatureVerificationProps {
  readonly cluster: eks.ICluster;
  /** The pinned Kyverno chart. */
  readonly source: HelmChartSource;
  /** The namespaces whose pods Kyverno's webhooks admit: the platform's workload namespaces, as the image policy scopes them. */
  readonly workloadNamespaces: readonly string[];
  /** Prefix of the platform's ECR repositories (`<prefix>/<service>`): the only ones whose images and signatures Kyverno may read. */
  readonly repositoryPrefix: string;
  /** Installed after these. @default - none */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * Kyverno, installed to verify image signatures at admission (the ClusterPolicy itself is applied with the workload
 * baseline, after this chart is ready). Its admission controller reads signatures, which cosign stores next to the
 * images, with its own Pod Identity role: ECR read on the platform's repositories only.
 */
export class ImageSignatureVerification extends Construct {
  readonly kyverno: HelmComponent;

  constructor(scope: Construct, id: string, props: ImageSignatureVerificationProps) {
    super(scope, id);
    this.kyverno = new HelmComponent(this, 'Kyverno', {
      cluster: props.cluster,
      source: props.source,
      namespace: KYVERNO_NAMESPACE,
      values: kyvernoValues(props.workloadNamespaces),
      awsIdentity: {
        serviceAccount: KYVERNO_ADMISSION_SERVICE_ACCOUNT,
        statements: [
          // Authorization tokens are account-wide; ECR accepts no resource for this action.
          new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
          new iam.PolicyStatement({
            actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:DescribeImages'],
            resources: [repositoriesUnder(props.repositoryPrefix)],
          }),
        ],
      },
      dependsOn: props.dependsOn,
    });
  }
}
