import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { HelmChartSource, HelmComponent } from './helm-component';

/** The controller's Kubernetes service account, which its Pod Identity role is associated with. */
const SERVICE_ACCOUNT = 'aws-load-balancer-controller';

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
      actions: [
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeVpcs',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetHealth',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
      resources: [targetGroup.targetGroupArn],
    }),
  ];
}

export interface AwsLoadBalancerControllerProps {
  /** The cluster the controller runs in; its VPC is the one the target group is in. */
  readonly cluster: eks.ICluster;
  /** The eks-charts `aws-load-balancer-controller` chart, pinned. */
  readonly source: HelmChartSource;
  /** The target group the ingress pods are bound to (TargetGroupBinding); the controller may register targets in it only. */
  readonly ingressTargetGroup: elbv2.ITargetGroup;
  /** Installed after these (nodes, DNS, the entry-point policy), and uninstalled before them. @default - none */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * The AWS Load Balancer Controller, reconciling TargetGroupBindings only: it keeps the ingress pods registered in the
 * platform's one target group, opens no load balancer, and its Pod Identity role can do nothing else
 * (`loadBalancerControllerStatements`).
 */
export class AwsLoadBalancerController extends HelmComponent {
  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerProps) {
    super(scope, id, {
      cluster: props.cluster,
      source: props.source,
      namespace: 'kube-system',
      awsIdentity: { serviceAccount: SERVICE_ACCOUNT, statements: loadBalancerControllerStatements(props.ingressTargetGroup) },
      // Region and VPC are given because the IMDS hop limit of 1 keeps the controller from discovering them.
      values: {
        clusterName: props.cluster.clusterName,
        region: Stack.of(scope).region,
        vpcId: props.cluster.vpc.vpcId,
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        // Its fail-closed Service webhook would reject the other charts' Services while the controller's pods start
        // (aws-load-balancer-controller#4140); it only defaults Services of type LoadBalancer, which the platform never makes.
        enableServiceMutatorWebhook: false,
        // TargetGroupBindings only. The Service reconciler is off (feature gate EnableServiceController, which main.go
        // of v2.17.1 checks before setting it up); the Ingress reconciler cannot be turned off, see RESERVED_INGRESS_CLASS.
        controllerConfig: { featureGates: { EnableServiceController: false } },
        ingressClass: RESERVED_INGRESS_CLASS,
        createIngressClassResource: false,
      },
      dependsOn: props.dependsOn,
    });
  }
}
