import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CHART_APIS } from '../../lib/evidence/chart-apis';
import { helmReleases, manifestResources, parseJson } from '../../lib/evidence/cluster-resources';
import { entryPointTraps } from '../../lib/evidence/entry-point';
import { CfnTemplate, StackTemplate, stackTemplates, TemplateResource } from '../../lib/evidence/stack-templates';
import {
  EntryPointExemption,
  EntryPointPolicy,
  entryPointPolicyManifest,
  entryPointRejection,
} from '../../lib/constructs/entry-point-policy';
import { AccessRequest, evaluate } from '../../lib/evidence/policy-evaluator';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { Platform } from '../../lib/platform';
import { buildPlatform, SUPPORTED_CONFIGURATIONS } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';

/**
 * "One entry point, enforced three ways": requests reach the cluster only through API Gateway (WAF, Cognito), its VPC
 * link and the private load balancer. Nothing in the cluster may open another: the load balancer controller reconciles
 * TargetGroupBindings only and may only register targets in the platform's target group; no subnet is tagged as a
 * place for load balancers; and the API server rejects Services of type LoadBalancer or NodePort and Ingresses in
 * every namespace. Each describe below fails when its enforcement is removed.
 */
const CONFIGURATIONS = SUPPORTED_CONFIGURATIONS;

// Dev is built here: its checks read the construct tree (roles, the VPC) beside its templates. The other
// configurations are only read, from the run's shared synthesis.
let built: { platform: Platform; assembly: cxapi.CloudAssembly };
beforeAll(() => {
  const { app, platform } = buildPlatform(CONFIGURATIONS.dev);
  built = { platform, assembly: app.synth() };
});
const dev = () => built;
const assemblyOf = (name: string) => (name === 'dev' ? dev().assembly : synthesizedConfiguration(name).assembly);
const templatesOf = (name: string) => stackTemplates(assemblyOf(name));

describe('1. the load balancer controller reconciles TargetGroupBindings only and can open no load balancer', () => {
  const controllerValues = (name: string) => {
    const releases = helmReleases(templatesOf(name)).filter((r) => r.chart === CHART_APIS.awsLoadBalancerController.source.chart);
    expect(releases).toHaveLength(1);
    return releases[0].values!;
  };

  test.each(Object.keys(CONFIGURATIONS))('its Service reconciler is off and its Ingress reconciler has no class to act on (%s)', (name) => {
    const values = controllerValues(name);
    expect(values.controllerConfig.featureGates.EnableServiceController).toBe(false);
    // An empty class would make it take every Ingress without a class; the chart's default is `alb`.
    expect(values.ingressClass).toBe('platform-reserved');
    expect(values.createIngressClassResource).toBe(false);
    expect(values.ingressClassConfig?.default).not.toBe(true);
  });

  describe('its IAM policy, evaluated on the synthesized template', () => {
    let statements: ReturnType<SynthesizedPolicies['statementsOf']>;
    let targetGroupArn: string;
    beforeAll(() => {
      const { platform, assembly } = dev();
      const policies = SynthesizedPolicies.fromAssembly(assembly);
      statements = policies.statementsOf(platform.cluster.components.loadBalancerController.identity!.role);
      targetGroupArn = policies.resolveToken(platform.edge, platform.edge.ingressTargetGroup.targetGroupArn);
    });
    const account = '111111111111';
    const elb = (resource: string) => `arn:aws:elasticloadbalancing:us-east-1:${account}:${resource}`;
    const otherTargetGroup = elb('targetgroup/k8s-shop-web-0123456789/0123456789abcdef');
    const loadBalancer = elb('loadbalancer/app/k8s-shop-web/0123456789abcdef');
    const listener = elb('listener/app/k8s-shop-web/0123456789abcdef/0123456789abcdef');
    const anySecurityGroup = `arn:aws:ec2:us-east-1:${account}:security-group/sg-0123456789abcdef0`;
    // The controller tags what it creates and changes only what carries its tag; the upstream policy allows exactly those.
    const creating = { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'dev-platform' };
    const owned = { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'dev-platform' };
    type Case = [description: string, request: () => AccessRequest];

    const allowed: Case[] = [
      [
        "register targets in the platform's target group",
        () => ({ action: 'elasticloadbalancing:RegisterTargets', resource: targetGroupArn }),
      ],
      ['deregister targets from it', () => ({ action: 'elasticloadbalancing:DeregisterTargets', resource: targetGroupArn })],
      ['describe target groups (the binding webhooks)', () => ({ action: 'elasticloadbalancing:DescribeTargetGroups', resource: '*' })],
      ['describe target health', () => ({ action: 'elasticloadbalancing:DescribeTargetHealth', resource: '*' })],
      ['describe the VPC', () => ({ action: 'ec2:DescribeVpcs', resource: '*' })],
      ['describe security groups', () => ({ action: 'ec2:DescribeSecurityGroups', resource: '*' })],
    ];
    const denied: Case[] = [
      [
        'register targets in any other target group',
        () => ({ action: 'elasticloadbalancing:RegisterTargets', resource: otherTargetGroup }),
      ],
      ['create a load balancer', () => ({ action: 'elasticloadbalancing:CreateLoadBalancer', resource: loadBalancer, context: creating })],
      ['create a listener', () => ({ action: 'elasticloadbalancing:CreateListener', resource: listener })],
      ['modify a listener', () => ({ action: 'elasticloadbalancing:ModifyListener', resource: listener })],
      ['add a listener rule', () => ({ action: 'elasticloadbalancing:CreateRule', resource: listener })],
      [
        "change a load balancer's security groups",
        () => ({ action: 'elasticloadbalancing:SetSecurityGroups', resource: loadBalancer, context: owned }),
      ],
      ['delete a load balancer', () => ({ action: 'elasticloadbalancing:DeleteLoadBalancer', resource: loadBalancer, context: owned })],
      [
        'create a target group',
        () => ({ action: 'elasticloadbalancing:CreateTargetGroup', resource: otherTargetGroup, context: creating }),
      ],
      [
        "modify the platform's target group",
        () => ({ action: 'elasticloadbalancing:ModifyTargetGroup', resource: targetGroupArn, context: owned }),
      ],
      [
        'tag a load balancer it creates',
        () => ({
          action: 'elasticloadbalancing:AddTags',
          resource: loadBalancer,
          context: { ...creating, 'elasticloadbalancing:CreateAction': 'CreateLoadBalancer' },
        }),
      ],
      [
        'associate a WAFv2 web ACL',
        () => ({ action: 'wafv2:AssociateWebACL', resource: `arn:aws:wafv2:us-east-1:${account}:regional/webacl/any/0123` }),
      ],
      ['disassociate a WAFv2 web ACL', () => ({ action: 'wafv2:DisassociateWebACL', resource: loadBalancer })],
      ['associate a WAF Classic web ACL', () => ({ action: 'waf-regional:AssociateWebACL', resource: loadBalancer })],
      ['remove Shield protection', () => ({ action: 'shield:DeleteProtection', resource: `arn:aws:shield::${account}:protection/any` })],
      ['add Shield protection', () => ({ action: 'shield:CreateProtection', resource: '*' })],
      ['open a security group', () => ({ action: 'ec2:AuthorizeSecurityGroupIngress', resource: anySecurityGroup })],
      ['close a security group rule', () => ({ action: 'ec2:RevokeSecurityGroupIngress', resource: anySecurityGroup })],
      ['create a security group', () => ({ action: 'ec2:CreateSecurityGroup', resource: anySecurityGroup })],
      [
        'tag a security group it creates',
        () => ({
          action: 'ec2:CreateTags',
          resource: anySecurityGroup,
          context: { ...creating, 'ec2:CreateAction': 'CreateSecurityGroup' },
        }),
      ],
      [
        'create the ELB service-linked role',
        () => ({
          action: 'iam:CreateServiceLinkedRole',
          resource: `arn:aws:iam::${account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/x`,
          context: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' },
        }),
      ],
      [
        'read user pool clients (ALB Cognito actions)',
        () => ({ action: 'cognito-idp:DescribeUserPoolClient', resource: `arn:aws:cognito-idp:us-east-1:${account}:userpool/any` }),
      ],
    ];

    test.each(allowed)('may %s', (_description, request) => {
      expect(evaluate(statements, request())).toBe('allow');
    });

    test.each(denied)('may not %s', (_description, request) => {
      expect(evaluate(statements, request())).toBe('implicit-deny');
    });

    test('holds exactly these statements, so any widening fails here', () => {
      expect(statements.map(({ Sid, ...statement }) => statement)).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'ec2:DescribeSecurityGroups',
            'ec2:DescribeVpcs',
            'elasticloadbalancing:DescribeTargetGroups',
            'elasticloadbalancing:DescribeTargetHealth',
          ],
          Resource: ['*'],
        },
        {
          Effect: 'Allow',
          Action: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
          Resource: [targetGroupArn],
        },
      ]);
      expect(targetGroupArn).toMatch(/IngressTargets/);
    });
  });
});

describe('2. no subnet is tagged as a place for load balancers', () => {
  const subnets = (name: string) =>
    templatesOf(name)
      .flatMap((stack) => Object.values(stack.template.Resources ?? {}))
      .filter((resource) => resource.Type === 'AWS::EC2::Subnet') as TemplateResource[];
  const tag = (resource: TemplateResource, key: string) =>
    (resource.Properties?.Tags as { Key: string; Value: string }[] | undefined)?.find((t) => t.Key === key)?.Value;

  test.each(Object.keys(CONFIGURATIONS))('no subnet carries kubernetes.io/role/elb or kubernetes.io/role/internal-elb (%s)', (name) => {
    const found = subnets(name);
    expect(found.length).toBeGreaterThan(0);
    expect(
      found.flatMap((subnet) =>
        ['kubernetes.io/role/elb', 'kubernetes.io/role/internal-elb'].filter((key) => tag(subnet, key) !== undefined),
      ),
    ).toEqual([]);
  });

  test('the check has public subnets to look at: dev (egress nat) has them, and the cluster is built on their VPC', () => {
    const publicSubnets = subnets('dev').filter((subnet) => tag(subnet, 'aws-cdk:subnet-type') === 'Public');
    expect(publicSubnets.length).toBeGreaterThan(0);
    expect(dev().platform.network.network.vpc.publicSubnets).toHaveLength(publicSubnets.length);
  });
});

describe('3. the API server rejects LoadBalancer and NodePort Services and Ingresses in every namespace', () => {
  test('a built-in ValidatingAdmissionPolicy, bound cluster-wide with Deny, is applied to the cluster', () => {
    const { platform } = dev();
    const applied = manifestResources(templatesOf('dev'))
      .filter((m) => m.stack.id === platform.cluster.node.id)
      .flatMap((m) => parseJson(m.stack.template.Resources![m.logicalId].Properties!.Manifest).json as any[])
      .filter((object) => object.apiVersion === 'admissionregistration.k8s.io/v1')
      .map(({ metadata: { labels, ...metadata }, ...object }) => ({ ...object, metadata }));
    expect(applied).toEqual([
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'platform-single-entry-point' },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] },
              { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['ingresses'] },
            ],
          },
          validations: [
            expect.objectContaining({
              expression: "request.resource.resource != 'services' || !(object.spec.type in ['LoadBalancer', 'NodePort'])",
              reason: 'Forbidden',
            }),
            expect.objectContaining({ expression: "request.resource.resource != 'ingresses'", reason: 'Forbidden' }),
          ],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'platform-single-entry-point' },
        spec: { policyName: 'platform-single-entry-point', validationActions: ['Deny'] },
      },
    ]);
  });

  test('its rules reject LoadBalancer and NodePort Services and Ingresses, admit other Services, and exempt only what is named', () => {
    const service = (namespace: string, name: string, serviceType?: string) => ({
      group: '',
      kind: 'Service',
      namespace,
      name,
      serviceType,
    });
    const ingress = { group: 'networking.k8s.io', kind: 'Ingress', namespace: 'shop', name: 'web' };
    expect(
      [
        service('shop', 'web', 'LoadBalancer'),
        service('kube-system', 'web', 'NodePort'),
        ingress,
        service('shop', 'web'),
        service('shop', 'web', 'ClusterIP'),
        service('shop', 'db', 'ExternalName'),
      ].map((subject) => entryPointRejection(subject) !== undefined),
    ).toEqual([true, true, true, false, false, false]);

    const exemption: EntryPointExemption = {
      kind: 'Service',
      namespace: 'legacy',
      name: 'partner-feed',
      reason: "a partner's fixed-IP feed, reviewed",
    };
    expect(
      [
        service('legacy', 'partner-feed', 'LoadBalancer'),
        service('legacy', 'other', 'LoadBalancer'),
        service('shop', 'partner-feed', 'LoadBalancer'),
      ].map((subject) => entryPointRejection(subject, [exemption]) !== undefined),
    ).toEqual([false, true, true]);
    expect(entryPointPolicyManifest([exemption])[0].spec!.matchConditions).toEqual([
      {
        name: 'not-exempt',
        expression: "!((request.kind.kind + ' ' + request.namespace + '/' + request.name) in [\"Service legacy/partner-feed\"])",
      },
    ]);
  });

  test('an exemption must name one Kubernetes object and say why', () => {
    const cluster = eks.Cluster.fromClusterAttributes(new Stack(new App(), 'S'), 'Cluster', { clusterName: 'c' });
    const exemption = (name: string, reason: string): EntryPointExemption => ({ kind: 'Service', namespace: 'legacy', name, reason });
    expect(() => new EntryPointPolicy(cluster, 'Named', { cluster, exemptions: [exemption('Partner Feed', 'reviewed')] })).toThrow(
      'entry-point exemption Service legacy/Partner Feed: namespace and name must be Kubernetes object names',
    );
    expect(() => new EntryPointPolicy(cluster, 'Reasoned', { cluster, exemptions: [exemption('partner-feed', ' ')] })).toThrow(
      'entry-point exemption Service legacy/partner-feed has no reason',
    );
  });

  test.each(Object.keys(CONFIGURATIONS))(
    'nothing the platform applies is rejected, and all that writes Services comes after the policy (%s)',
    (name) => {
      expect(entryPointTraps(assemblyOf(name))).toEqual([]);
    },
  );

  describe('the check over an assembly', () => {
    const CLUSTER = { Ref: 'Cluster' };
    const manifest = (objects: object[], dependsOn?: string[]): TemplateResource => ({
      Type: 'Custom::AWSCDK-EKS-KubernetesResource',
      Properties: { ClusterName: CLUSTER, Manifest: JSON.stringify(objects) },
      ...(dependsOn ? { DependsOn: dependsOn } : {}),
    });
    const gateway = (values: object, dependsOn?: string[]): TemplateResource => ({
      Type: 'Custom::AWSCDK-EKS-HelmChart',
      Properties: {
        ClusterName: CLUSTER,
        Repository: CHART_APIS.istioGateway.source.repository,
        Chart: CHART_APIS.istioGateway.source.chart,
        Version: CHART_APIS.istioGateway.source.version,
        Namespace: 'platform-ingress',
        Values: JSON.stringify(values),
      },
      ...(dependsOn ? { DependsOn: dependsOn } : {}),
    });
    const clusterStack = (resources: Record<string, TemplateResource>): StackTemplate[] => [
      {
        id: 'Cluster',
        stackName: 'test-cluster',
        region: 'us-east-1',
        dependencies: [],
        template: { Resources: { Cluster: { Type: 'AWS::EKS::Cluster' }, ...resources } } as CfnTemplate,
      },
    ];
    const policy = manifest(entryPointPolicyManifest());
    const clusterIp = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP' } };

    test("reports a LoadBalancer Service, an Ingress, and a chart whose Service is a LoadBalancer (the gateway chart's default)", () => {
      const traps = entryPointTraps(
        clusterStack({
          Policy: policy,
          Shop: manifest(
            [
              { ...clusterIp, spec: { type: 'LoadBalancer' } },
              { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' } },
            ],
            ['Policy'],
          ),
          Gateway: gateway({}, ['Policy']),
        }),
      );
      expect(traps.map((trap) => [trap.path, trap.problem])).toEqual([
        [
          'Cluster/Resources/Shop/Properties/Manifest [0]',
          expect.stringContaining('Service shop/web would be rejected: Services of type LoadBalancer or NodePort'),
        ],
        [
          'Cluster/Resources/Shop/Properties/Manifest [1]',
          expect.stringContaining('Ingress shop/web would be rejected: Ingresses are not allowed'),
        ],
        ['Cluster/Resources/Gateway/Properties/Values', expect.stringContaining('a LoadBalancer Service of chart gateway')],
      ]);
    });

    test('reports what writes Services before the policy or without one, and accepts it ordered after the policy', () => {
      const writers = { Shop: manifest([clusterIp]), Gateway: gateway({ service: { type: 'ClusterIP' } }) };
      expect(entryPointTraps(clusterStack({ Policy: policy, ...writers })).map((trap) => [trap.path, trap.problem])).toEqual([
        ['Cluster/Resources/Shop', expect.stringContaining('is not applied after the entry-point policy (Cluster/Policy)')],
        ['Cluster/Resources/Gateway', expect.stringContaining('is not applied after the entry-point policy (Cluster/Policy)')],
      ]);
      expect(entryPointTraps(clusterStack(writers)).map((trap) => trap.problem)).toEqual([
        expect.stringContaining('into a cluster that has no entry-point policy'),
        expect.stringContaining('into a cluster that has no entry-point policy'),
      ]);
      expect(
        entryPointTraps(
          clusterStack({
            Policy: policy,
            Shop: manifest([clusterIp], ['Policy']),
            Gateway: gateway({ service: { type: 'ClusterIP' } }, ['Policy']),
          }),
        ),
      ).toEqual([]);
    });
  });
});
