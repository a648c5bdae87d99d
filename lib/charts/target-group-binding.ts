import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

/**
 * A typed model of the AWS Load Balancer Controller's TargetGroupBinding (elbv2.k8s.aws/v1beta1), written by hand:
 * no npm package models it and `cdk8s import` needs the network. Transcribed from the controller's CRD
 * (config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml, v2.17), limited to the fields we set. To regenerate
 * all of it where the network is available:
 * `npx cdk8s import https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v2.17.1/config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml`.
 */
export interface ITargetGroupBinding {
  readonly apiVersion: 'elbv2.k8s.aws/v1beta1';
  readonly kind: 'TargetGroupBinding';
  readonly metadata?: IObjectMeta;
  readonly spec: {
    /** ARN of the target group the controller registers the Service's endpoints in. */
    readonly targetGroupARN: string;
    /** `ip` registers pod IPs directly, needed for a ClusterIP Service. */
    readonly targetType?: 'instance' | 'ip';
    readonly ipAddressType?: 'ipv4' | 'ipv6';
    readonly serviceRef: {
      readonly name: string;
      readonly port: number | string;
    };
  };
}

/** JSON schema of the fields above, as the CRD states them; `manifest-schemas.ts` validates against it. */
export const TARGET_GROUP_BINDING_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'spec'],
  properties: {
    apiVersion: { const: 'elbv2.k8s.aws/v1beta1' },
    kind: { const: 'TargetGroupBinding' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['serviceRef', 'targetGroupARN'],
      additionalProperties: false,
      properties: {
        targetGroupARN: { type: 'string', minLength: 1 },
        targetType: { enum: ['instance', 'ip'] },
        ipAddressType: { enum: ['ipv4', 'ipv6'] },
        serviceRef: {
          type: 'object',
          required: ['name', 'port'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1 },
            port: {
              anyOf: [
                { type: 'integer', minimum: 1, maximum: 65535 },
                { type: 'string', minLength: 1 },
              ],
            },
          },
        },
      },
    },
  },
} as const;

export interface TargetGroupBindingOptions {
  readonly namespace: string;
  readonly serviceName: string;
  readonly servicePort: number;
  readonly targetGroupArn: string;
  /**
   * What changes when the target group is replaced (e.g. its protocol), appended to the binding's name: the
   * controller's webhook refuses a binding whose spec.targetGroupARN changes, so a replaced target group gets a binding
   * of a new name and the old one is pruned, instead of an update that is refused and rolled back. @default - the Service's name alone
   */
  readonly targetGroupKey?: string;
}

/** Binds a ClusterIP Service to an existing target group (the ALB or NLB is created by CDK, not by the controller). */
export function targetGroupBinding(options: TargetGroupBindingOptions): ITargetGroupBinding {
  const name = options.targetGroupKey ? `${options.serviceName}-${options.targetGroupKey}` : options.serviceName;
  return {
    apiVersion: 'elbv2.k8s.aws/v1beta1',
    kind: 'TargetGroupBinding',
    metadata: { name, namespace: options.namespace },
    spec: {
      targetGroupARN: options.targetGroupArn,
      targetType: 'ip',
      serviceRef: { name: options.serviceName, port: options.servicePort },
    },
  };
}
