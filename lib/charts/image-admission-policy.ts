import type { IValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import type { IValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { serviceNamespaces } from './call-graph';

/** Name of the policy and of its binding. */
export const IMAGE_POLICY_NAME = 'platform-images';

/** A registry host: lowercase DNS labels, no scheme, path or quote that could escape the CEL string it is written into. */
const REGISTRY_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** Pod specs by kind: the policy checks Pods and the templates of every built-in controller that creates them. */
const POD_SPEC_EXPRESSION =
  "object.kind == 'Pod' ? object.spec : " +
  "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec";

/** Every image of a pod spec: containers, init containers and ephemeral (debug) containers. */
const IMAGES_EXPRESSION =
  'variables.spec.containers.map(c, c.image)' +
  ' + (has(variables.spec.initContainers) ? variables.spec.initContainers.map(c, c.image) : [])' +
  ' + (has(variables.spec.ephemeralContainers) ? variables.spec.ephemeralContainers.map(c, c.image) : [])';

export interface ImageAdmissionPolicyProps {
  /** The registry every image must come from: `<account>.dkr.ecr.<region>.<domain suffix>`. */
  readonly registry: string;
  /**
   * The namespaces it applies to: the platform's workload namespaces. Platform components (kube-system, istio-system,
   * cert-manager, amazon-cloudwatch, the mesh ingress) run images from their vendors' registries and stay outside.
   */
  readonly namespaces: readonly string[];
  /** Also require every image to be pinned by `@sha256:` digest. @default true */
  readonly requireDigest?: boolean;
}

/**
 * The namespaces the platform's image admission covers: every service namespace, and the ingress namespace when the
 * platform runs its own edge proxy there (native mTLS); the mesh ingress chart's gateway runs a vendor image.
 */
export function workloadNamespaces(catalogue: ServiceCatalogue, ingressNamespace: boolean): string[] {
  return [...(ingressNamespace ? [catalogue.ingress.namespace] : []), ...serviceNamespaces(catalogue)];
}

/** The CEL condition one image must meet: from the registry, and (when required) pinned by digest. */
export function imageCondition(props: ImageAdmissionPolicyProps, image = 'image'): string {
  if (!REGISTRY_HOST.test(props.registry)) {
    throw new Error(`image admission registry "${props.registry}" is not a registry host: use <account>.dkr.ecr.<region>.amazonaws.com`);
  }
  const fromRegistry = `${image}.startsWith('${props.registry}/')`;
  return props.requireDigest === false ? fromRegistry : `${fromRegistry} && ${image}.matches('^[^@]+@sha256:[0-9a-f]{64}$')`;
}

/**
 * Built-in admission (ValidatingAdmissionPolicy, GA since Kubernetes 1.30: no webhook, no extra component) that
 * rejects a Pod, a pod template or an ephemeral container whose images are not from the platform's registry and,
 * by default, pinned by digest, in the platform's workload namespaces only. The namespaces are selected by their
 * immutable `kubernetes.io/metadata.name` label, so labelling another namespace cannot widen or narrow the scope.
 */
export function imageAdmissionPolicy(props: ImageAdmissionPolicyProps): [IValidatingAdmissionPolicy, IValidatingAdmissionPolicyBinding] {
  const condition = imageCondition(props);
  const what = props.requireDigest === false ? `from ${props.registry}` : `from ${props.registry}, pinned by @sha256 digest`;
  const policy: IValidatingAdmissionPolicy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: IMAGE_POLICY_NAME },
    spec: {
      // An expression error rejects the object: a policy that cannot judge never admits.
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'] },
          {
            apiGroups: ['apps'],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
          },
          { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'] },
        ],
      },
      variables: [
        { name: 'spec', expression: POD_SPEC_EXPRESSION },
        { name: 'images', expression: IMAGES_EXPRESSION },
      ],
      validations: [
        {
          expression: `variables.images.all(image, ${condition})`,
          messageExpression: `'every image must come ${what}; rejected: ' + variables.images.filter(image, !(${condition})).join(', ')`,
          reason: 'Forbidden',
        },
      ],
    },
  };
  const binding: IValidatingAdmissionPolicyBinding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: IMAGE_POLICY_NAME },
    spec: {
      policyName: IMAGE_POLICY_NAME,
      validationActions: ['Deny', 'Audit'],
      matchResources: {
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...props.namespaces] }] },
      },
    },
  };
  return [policy, binding];
}
