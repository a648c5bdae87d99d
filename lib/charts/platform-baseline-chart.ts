import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { MtlsMode } from '../catalogue/service-contract';
import { asCaller, serviceNamespaces } from './call-graph';
import { imageAdmissionPolicy, workloadNamespaces } from './image-admission-policy';
import { imageSignaturePolicy } from './image-signature-policy';
import { denyAllPolicy, edgeAuthorizationPolicies } from './mesh-authorization';
import { IngressListener } from './ingress-chart';
import { platformNamespace } from './namespace';
import { defaultDenyPolicy } from './network-policies';
import { quarantinePolicies } from './quarantine-policy';
import { limitRange, resourceQuota } from './resource-budget';
import { targetGroupBinding } from './target-group-binding';
import { addTypedObject } from './typed-object';
import { workloadCertificate } from './workload-certificates';
import { WorkloadSettings } from './workload-settings';

export interface PlatformBaselineChartProps {
  /** A validated catalogue (see `validateServiceCatalogue`). */
  readonly catalogue: ServiceCatalogue;
  readonly mtls: MtlsMode;
  /** Sizes each namespace's ResourceQuota and LimitRange. */
  readonly workload: WorkloadSettings;
  /**
   * Target group the ingress Service is registered in, through a TargetGroupBinding.
   * @default - no TargetGroupBinding
   */
  readonly ingressTargetGroupArn?: string;
  /** The ingress Service in `catalogue.ingress.namespace` that the target group forwards to. */
  readonly ingressServiceName: string;
  readonly ingressServicePort: number;
  /**
   * The target group's listener (TLS or plain TCP to the pods), which names the binding: adding a domain replaces the
   * target group (its protocol changes), and the new binding replaces the old one instead of an update the load
   * balancer controller refuses.
   */
  readonly ingressListener: IngressListener;
  /**
   * Create the ingress namespace (restricted, default-deny, resource budget): native mode with the edge proxy, which the
   * platform runs.
   * @default false - the ingress namespace belongs to whoever installs the ingress (the mesh ingress chart in ambient mode)
   */
  readonly ingressNamespace?: boolean;
  /**
   * The only registry the platform's namespaces admit images from (`imageAdmissionPolicy`).
   * @default - no image admission policy
   */
  readonly imageRegistry?: string;
  /** Admit only images pinned by `@sha256:` digest as well. @default true */
  readonly requireImageDigest?: boolean;
  /**
   * Also require the cosign keyless signature of this GitHub repository's delivery workflow on every image from
   * `imageRegistry` (Kyverno `verifyImages`; Kyverno must be installed first).
   * @default - no signature verification
   */
  readonly signatureRepository?: string;
}

/**
 * What every service namespace gets before any workload: the namespace with restricted pod security (and ambient
 * mesh membership), default-deny networking, a resource budget, and the mesh identity layer — deny-all plus one
 * ALLOW policy per call edge in ambient mode, or one workload certificate per service and one for the ingress in
 * native mode (the ingress namespace itself belongs to whoever installs the ingress); and admission of images from
 * the platform's registry only.
 */
export class PlatformBaselineChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformBaselineChartProps) {
    super(scope, id);
    const { catalogue, mtls, workload } = props;
    if (props.ingressNamespace) {
      // First: the ingress certificate below is created in it.
      addTypedObject(this, 'ingress-namespace', platformNamespace(catalogue.ingress.namespace, mtls, true));
      addTypedObject(this, 'ingress-default-deny', defaultDenyPolicy(catalogue.ingress.namespace, mtls));
      for (const policy of quarantinePolicies(catalogue.ingress.namespace, mtls))
        addTypedObject(this, `ingress-quarantine-${policy.kind}`, policy);
      // The edge proxy runs here, charted like a service: the same budget, sized for one workload.
      addTypedObject(this, 'ingress-quota', resourceQuota(catalogue.ingress.namespace, 1, workload));
      addTypedObject(this, 'ingress-limits', limitRange(catalogue.ingress.namespace, workload));
    }
    for (const namespace of serviceNamespaces(catalogue)) {
      const serviceCount = catalogue.services.filter((service) => service.namespace === namespace).length;
      addTypedObject(this, `${namespace}-namespace`, platformNamespace(namespace, mtls));
      addTypedObject(this, `${namespace}-default-deny`, defaultDenyPolicy(namespace, mtls));
      for (const policy of quarantinePolicies(namespace, mtls)) addTypedObject(this, `${namespace}-quarantine-${policy.kind}`, policy);
      addTypedObject(this, `${namespace}-quota`, resourceQuota(namespace, serviceCount, workload));
      addTypedObject(this, `${namespace}-limits`, limitRange(namespace, workload));
      if (mtls === 'istio-ambient') addTypedObject(this, `${namespace}-deny-all`, denyAllPolicy(namespace));
    }
    if (props.imageRegistry !== undefined) {
      const namespaces = workloadNamespaces(catalogue, props.ingressNamespace === true);
      const [policy, binding] = imageAdmissionPolicy({
        registry: props.imageRegistry,
        namespaces,
        requireDigest: props.requireImageDigest,
      });
      addTypedObject(this, 'image-policy', policy);
      addTypedObject(this, 'image-policy-binding', binding);
      if (props.signatureRepository !== undefined) {
        addTypedObject(
          this,
          'image-signature-policy',
          imageSignaturePolicy({
            registry: props.imageRegistry,
            namespaces,
            githubRepository: props.signatureRepository,
            requireDigest: props.requireImageDigest,
          }),
        );
      }
    }
    for (const service of catalogue.services) {
      if (mtls === 'istio-ambient') {
        edgeAuthorizationPolicies(catalogue, service).forEach((policy, index) => {
          addTypedObject(this, `${service.name}-caller-${index}`, policy);
        });
      } else {
        addTypedObject(this, `${service.name}-certificate`, workloadCertificate(catalogue, asCaller(service)));
      }
    }
    if (mtls === 'native') addTypedObject(this, 'ingress-certificate', workloadCertificate(catalogue, catalogue.ingress));
    if (props.ingressTargetGroupArn !== undefined) {
      addTypedObject(
        this,
        'ingress-target-group-binding',
        targetGroupBinding({
          namespace: catalogue.ingress.namespace,
          serviceName: props.ingressServiceName,
          servicePort: props.ingressServicePort,
          targetGroupArn: props.ingressTargetGroupArn,
          // TLS keeps the name the binding always had (prod's): renaming a binding of the same target group is refused too.
          targetGroupKey: props.ingressListener === 'tls' ? undefined : props.ingressListener,
        }),
      );
    }
  }
}
