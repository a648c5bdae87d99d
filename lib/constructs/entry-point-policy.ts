import type { IValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import type { IValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ClusterManifest } from './cluster-manifest';

/** Name of the ValidatingAdmissionPolicy and of its binding. */
export const ENTRY_POINT_POLICY_NAME = 'platform-single-entry-point';

/**
 * Service types that reach pods from outside the cluster on their own: NodePort opens a port on every node, and
 * LoadBalancer additionally asks a load balancer controller for a load balancer in front of it.
 */
export const SIDE_DOOR_SERVICE_TYPES: readonly string[] = ['LoadBalancer', 'NodePort'];

/** One object the entry-point policy admits although it is a side door, with the reason a reviewer can check. */
export interface EntryPointExemption {
  readonly kind: 'Service' | 'Ingress';
  readonly namespace: string;
  /** The object's fixed name; an object created with `generateName` cannot be exempted. */
  readonly name: string;
  /** Why this object may bypass API Gateway, WAF and Cognito. */
  readonly reason: string;
}

/**
 * The side doors the platform allows: none. Every request then reaches the cluster through API Gateway (WAF,
 * Cognito), its VPC link and the private load balancer. An entry here admits exactly one named Service or Ingress,
 * and its reason is part of the review, like a compliance acknowledgement.
 */
export const ENTRY_POINT_EXEMPTIONS: readonly EntryPointExemption[] = [];

/** What the policy judges an object by: its API group, kind, namespace and name, and a Service's type. */
export interface AdmissionSubject {
  /** `''` for the core group. */
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** `spec.type` of a Service. @default 'ClusterIP' (the API server's default) */
  readonly serviceType?: string;
}

/**
 * Why the entry-point policy rejects an object, or undefined when it admits it: the policy's CEL rules restated in
 * TypeScript, so tests can run them over everything the platform applies. Keep both in step.
 */
export function entryPointRejection(
  subject: AdmissionSubject,
  exemptions: readonly EntryPointExemption[] = ENTRY_POINT_EXEMPTIONS,
): string | undefined {
  const exempt = exemptions.some((e) => exemptionKey(e) === exemptionKey({ ...subject, namespace: subject.namespace ?? '' }));
  if (exempt) return undefined;
  if (subject.group === '' && subject.kind === 'Service' && SIDE_DOOR_SERVICE_TYPES.includes(subject.serviceType ?? 'ClusterIP')) {
    return SERVICE_MESSAGE;
  }
  if (subject.group === 'networking.k8s.io' && subject.kind === 'Ingress') return INGRESS_MESSAGE;
  return undefined;
}

const SERVICE_MESSAGE =
  "Services of type LoadBalancer or NodePort are not allowed: the platform's only entry point is API Gateway " +
  '(WAF, Cognito) through its private load balancer, whose targets are bound with a TargetGroupBinding to a ClusterIP Service.';
const INGRESS_MESSAGE =
  "Ingresses are not allowed: the platform's only entry point is API Gateway (WAF, Cognito) through its " +
  'private load balancer; give the service routes in the API instead.';

const exemptionKey = (object: { kind: string; namespace: string; name: string }) => `${object.kind} ${object.namespace}/${object.name}`;
/** `exemptionKey` in CEL, from the admission request. */
const EXEMPTION_KEY_CEL = "request.kind.kind + ' ' + request.namespace + '/' + request.name";

/** The ValidatingAdmissionPolicy and its cluster-wide Deny binding. */
export function entryPointPolicyManifest(
  exemptions: readonly EntryPointExemption[] = ENTRY_POINT_EXEMPTIONS,
): [IValidatingAdmissionPolicy, IValidatingAdmissionPolicyBinding] {
  const exempt = exemptions.map(exemptionKey);
  const sideDoorTypes = SIDE_DOOR_SERVICE_TYPES.map((type) => `'${type}'`).join(', ');
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: ENTRY_POINT_POLICY_NAME },
      spec: {
        // Fail closed: a request the API server cannot judge is refused.
        failurePolicy: 'Fail',
        // Creating and updating (turning a ClusterIP Service into a LoadBalancer); never deleting, so teardown works.
        // Status subresources are not matched: controllers still report on objects admitted before.
        matchConstraints: {
          resourceRules: [
            { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] },
            { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['ingresses'] },
          ],
        },
        ...(exempt.length > 0
          ? { matchConditions: [{ name: 'not-exempt', expression: `!((${EXEMPTION_KEY_CEL}) in ${JSON.stringify(exempt)})` }] }
          : {}),
        validations: [
          {
            expression: `request.resource.resource != 'services' || !(object.spec.type in [${sideDoorTypes}])`,
            reason: 'Forbidden',
            message: SERVICE_MESSAGE,
          },
          { expression: "request.resource.resource != 'ingresses'", reason: 'Forbidden', message: INGRESS_MESSAGE },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: ENTRY_POINT_POLICY_NAME },
      // No matchResources: every namespace, kube-system included.
      spec: { policyName: ENTRY_POINT_POLICY_NAME, validationActions: ['Deny'] },
    },
  ];
}

export interface EntryPointPolicyProps {
  readonly cluster: eks.ICluster;
  /** Objects admitted although they are side doors. @default ENTRY_POINT_EXEMPTIONS (none) */
  readonly exemptions?: readonly EntryPointExemption[];
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The cluster's half of "one entry point": a built-in ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1,
 * GA since Kubernetes 1.30) bound cluster-wide with Deny, which rejects every Service of type LoadBalancer or
 * NodePort and every Ingress, except the named exemptions. Without it, anyone who may create a Service or an
 * Ingress in any namespace could have a controller open a load balancer that bypasses WAF, API Gateway and Cognito.
 * The API server evaluates it itself, so no webhook has to be up first. It judges objects as they are written, not
 * those already there: depend on it from everything that creates Services.
 */
export class EntryPointPolicy extends Construct {
  readonly manifest: ClusterManifest;

  constructor(scope: Construct, id: string, props: EntryPointPolicyProps) {
    super(scope, id);
    const exemptions = props.exemptions ?? ENTRY_POINT_EXEMPTIONS;
    for (const exemption of exemptions) {
      const key = exemptionKey(exemption);
      if (!DNS_NAME.test(exemption.namespace) || !DNS_NAME.test(exemption.name)) {
        throw new Error(`entry-point exemption ${key}: namespace and name must be Kubernetes object names`);
      }
      if (exemption.reason.trim() === '') throw new Error(`entry-point exemption ${key} has no reason: say why it may bypass the edge`);
    }
    this.manifest = new ClusterManifest(this, 'Resource', { cluster: props.cluster, manifest: entryPointPolicyManifest(exemptions) });
  }
}
