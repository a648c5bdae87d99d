import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { BOTTLEROCKET_DATA_DEVICE, BOTTLEROCKET_OS_DEVICE, BOTTLEROCKET_SETTINGS } from '../../lib/constructs/bottlerocket-nodegroup';
import { Karpenter, KarpenterCapacity, KarpenterProps } from '../../lib/constructs/karpenter';
import { AccessRequest, evaluate, StatementJson } from '../../lib/evidence/policy-evaluator';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { KeysStack } from '../../lib/stacks/keys-stack';
import { NetworkStack } from '../../lib/stacks/network-stack';
import { buildClusterStack } from './cluster-fixture';
import { PROD_CONTEXT, testConfig } from '../support/platform-fixture';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>;

/**
 * The platform's cluster stack in Karpenter mode (real VPC, keys and cluster), with the node pool's capacity
 * overridden; `context` picks the profile or the egress mode.
 */
function buildKarpenter(capacity: Partial<KarpenterCapacity> = {}, context: Record<string, unknown> = {}) {
  const cluster = testConfig(context).cluster;
  const built = buildClusterStack({ compute: 'karpenter', karpenter: { ...cluster.karpenter, ...capacity } }, context);
  const karpenter = built.stack.karpenter!;
  const managedNodes = built.stack.privateCluster.nodes!;
  const queueKey = built.keys.keys.events;
  const policies = SynthesizedPolicies.fromAssembly(built.app.synth());
  const resources: Resources = built.template.toJSON().Resources;
  /** The Kubernetes objects of the node pool's manifest resources, with references shown as placeholders. */
  const objects = () =>
    karpenter.nodePool.batches.flatMap((batch) => {
      const manifest = resources[logicalId(built.stack, batch)].Properties.Manifest;
      return JSON.parse(policies.resolve(manifest, built.stack.stackName)) as Record<string, any>[];
    });
  const objectOf = (kind: string) => objects().find((o) => o.kind === kind)!;
  return { ...built, karpenter, managedNodes, queueKey, policies, resources, objectOf };
}

let dev: ReturnType<typeof buildKarpenter>;
let prod: ReturnType<typeof buildKarpenter> | undefined;
const prodKarpenter = () => (prod ??= buildKarpenter({}, PROD_CONTEXT));
beforeAll(() => {
  dev = buildKarpenter();
});

/** The logical id of a construct's CloudFormation resource (following default children down to it). */
function logicalId(stack: Stack, construct: IConstruct): string {
  let current: IConstruct = construct;
  while (!(current instanceof CfnElement)) current = current.node.defaultChild!;
  return stack.getLogicalId(current);
}

describe('interruption queue', () => {
  test("is encrypted with the platform's events key and keeps events for 300 s", () => {
    const [queue] = Object.values(dev.resources).filter((r) => r.Type === 'AWS::SQS::Queue');
    expect(queue.Properties.MessageRetentionPeriod).toBe(300);
    const keys = dev.app.node.findChild('Keys') as KeysStack;
    expect(dev.policies.resolve(queue.Properties.KmsMasterKeyId, dev.stack.stackName)).toBe(
      dev.policies.resolveToken(keys, dev.queueKey.keyArn),
    );
  });

  test('its policy denies every request without TLS', () => {
    dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('only EventBridge of this account may send, and nothing else is allowed', () => {
    const [[, policy]] = Object.entries(dev.resources).filter(([, r]) => r.Type === 'AWS::SQS::QueuePolicy');
    const allows = (policy.Properties.PolicyDocument.Statement as any[]).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { StringEquals: { 'aws:SourceAccount': dev.config.env.account } },
      }),
    ]);
  });

  test('the queue key lets EventBridge generate data keys and decrypt, nothing more', () => {
    const keyId = dev.keys.getLogicalId(dev.queueKey.node.defaultChild as CfnElement);
    const statements: any[] = Template.fromStack(dev.keys).toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
    expect(statements.filter((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'))).toEqual([
      { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' },
    ]);
  });

  // Written out rather than taken from the construct, so dropping or changing an event fails here.
  test.each([
    ['aws.ec2', 'EC2 Spot Instance Interruption Warning'],
    ['aws.ec2', 'EC2 Instance Rebalance Recommendation'],
    ['aws.ec2', 'EC2 Instance State-change Notification'],
    ['aws.health', 'AWS Health Event'],
    ['aws.ec2', 'EC2 Capacity Reservation Instance Interruption Warning'],
  ])('a rule sends %s "%s" events to the queue', (source, detailType) => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [source], 'detail-type': [detailType] },
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(dev.stack, dev.karpenter.interruptionQueue), 'Arn'] } })],
    });
  });
});

describe('node identity', () => {
  test('the node role has only the join and image-pull policies, and its own instance profile', () => {
    dev.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
      Description: 'Karpenter nodes: join the cluster and pull images',
      ManagedPolicyArns: ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'].map((name) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]],
      })),
    });
    dev.template.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: [{ Ref: logicalId(dev.stack, dev.karpenter.nodeRole) }] });
  });

  test('the node role joins the cluster through an EC2_LINUX access entry with no access policies', () => {
    dev.template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [logicalId(dev.stack, dev.karpenter.nodeRole), 'Arn'] },
      Type: 'EC2_LINUX',
      AccessPolicies: [],
    });
  });
});

describe('controller permissions (evaluated on the synthesized policy)', () => {
  const statements = (): StatementJson[] => dev.policies.statementsOf(dev.karpenter.controller.identity!.role);
  type Case = [description: string, request: AccessRequest];

  function world() {
    const { account, region } = dev.config.env;
    const resolve = (scope: Stack, token: string) => dev.policies.resolveToken(scope, token);
    const network = dev.app.node.findChild('Network') as NetworkStack;
    const keys = dev.app.node.findChild('Keys') as KeysStack;
    const ec2 = (resource: string, owner = account) => `arn:aws:ec2:${region}:${owner}:${resource}`;
    const subnetIds = network.network.vpc.selectSubnets(network.network.workloadSubnets).subnetIds.map((id) => resolve(network, id));
    const publicSubnetIds = network.network.vpc.publicSubnets.map((s) => resolve(network, s.subnetId));
    const launchTags = {
      'aws:RequestTag/kubernetes.io/cluster/dev-platform': 'owned',
      'aws:RequestTag/eks:eks-cluster-name': 'dev-platform',
      'aws:RequestTag/karpenter.sh/nodepool': 'default',
    };
    const ownedTags = { 'aws:ResourceTag/kubernetes.io/cluster/dev-platform': 'owned', 'aws:ResourceTag/karpenter.sh/nodepool': 'default' };
    return {
      account,
      region,
      ec2,
      subnetIds,
      publicSubnetIds,
      launchTags,
      ownedTags,
      securityGroupId: resolve(dev.stack, dev.stack.cluster.clusterSecurityGroupId),
      nodeRoleArn: resolve(dev.stack, dev.karpenter.nodeRole.roleArn),
      managedNodeRoleArn: resolve(dev.stack, dev.managedNodes.role.roleArn),
      controllerRoleArn: resolve(dev.stack, dev.karpenter.controller.identity!.role.roleArn),
      instanceProfileArn: resolve(dev.stack, dev.karpenter.instanceProfile.instanceProfileArn),
      clusterArn: resolve(dev.stack, dev.stack.cluster.clusterArn),
      queueArn: resolve(dev.stack, dev.karpenter.interruptionQueue.queueArn),
      queueKeyArn: resolve(keys, dev.queueKey.keyArn),
      volumeKeyArn: resolve(keys, keys.keys.blockStorage.keyArn),
      dataKeyArn: resolve(keys, keys.keys.data.keyArn),
    };
  }

  function allowCases(): Case[] {
    const w = world();
    const launch = (resource: string, context: AccessRequest['context'] = {}): AccessRequest[] =>
      ['ec2:RunInstances', 'ec2:CreateFleet'].map((action) => ({ action, resource, context }));
    const cases: Case[] = [];
    for (const request of [
      ...launch(w.ec2('instance/i-0123456789abcdef0'), {
        ...w.launchTags,
        'ec2:MetadataHttpTokens': 'required',
        'ec2:MetadataHttpPutResponseHopLimit': '1',
      }),
      ...launch(w.ec2('fleet/fleet-0123'), w.launchTags),
      ...launch(w.ec2('volume/vol-0123'), { ...w.launchTags, 'ec2:Encrypted': 'true' }),
      ...launch(w.ec2('network-interface/eni-0123'), { ...w.launchTags, 'ec2:AssociatePublicIpAddress': 'false' }),
      ...launch(w.ec2('launch-template/lt-0123'), w.ownedTags),
      ...launch(w.ec2('image/ami-0123', '')),
      ...launch(w.ec2(`subnet/${w.subnetIds[0]}`)),
      ...launch(w.ec2(`security-group/${w.securityGroupId}`)),
    ]) {
      cases.push([`${request.action} on ${request.resource}`, request]);
    }
    cases.push(
      [
        'create a tagged launch template',
        { action: 'ec2:CreateLaunchTemplate', resource: w.ec2('launch-template/lt-0123'), context: w.launchTags },
      ],
      [
        'tag an instance while launching it',
        { action: 'ec2:CreateTags', resource: w.ec2('instance/i-0123'), context: { ...w.launchTags, 'ec2:CreateAction': 'CreateFleet' } },
      ],
      [
        'name its own instance',
        {
          action: 'ec2:CreateTags',
          resource: w.ec2('instance/i-0123'),
          context: { ...w.ownedTags, 'aws:TagKeys': ['Name', 'karpenter.sh/nodeclaim'] },
        },
      ],
      ['terminate its own instance', { action: 'ec2:TerminateInstances', resource: w.ec2('instance/i-0123'), context: w.ownedTags }],
      [
        'delete its own launch template',
        { action: 'ec2:DeleteLaunchTemplate', resource: w.ec2('launch-template/lt-0123'), context: w.ownedTags },
      ],
      [
        'pass the node role to EC2',
        { action: 'iam:PassRole', resource: w.nodeRoleArn, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      ],
      ['read its instance profile', { action: 'iam:GetInstanceProfile', resource: w.instanceProfileArn }],
      // The node class finalizer's clean-up: without these reads it never completes, and the Cluster stack cannot be deleted.
      ['list instance profiles (the node class clean-up)', { action: 'iam:ListInstanceProfiles', resource: '*' }],
      [
        'read the legacy profile name the clean-up looks for',
        { action: 'iam:GetInstanceProfile', resource: `arn:aws:iam::${w.account}:instance-profile/dev-platform_1234567890` },
      ],
      [
        'read a profile it would have created for this cluster',
        {
          action: 'iam:GetInstanceProfile',
          resource: `arn:aws:iam::${w.account}:instance-profile/karpenter/${w.region}/dev-platform/0123-uid/dev-platform_1`,
        },
      ],
      ['describe its cluster', { action: 'eks:DescribeCluster', resource: w.clusterArn }],
      ['receive interruption events', { action: 'sqs:ReceiveMessage', resource: w.queueArn }],
      ['delete handled events', { action: 'sqs:DeleteMessage', resource: w.queueArn }],
      [
        'decrypt the queue through SQS',
        { action: 'kms:Decrypt', resource: w.queueKeyArn, context: { 'kms:ViaService': `sqs.${w.region}.amazonaws.com` } },
      ],
      [
        'encrypt volumes through EC2',
        {
          action: 'kms:GenerateDataKeyWithoutPlaintext',
          resource: w.volumeKeyArn,
          context: { 'kms:ViaService': `ec2.${w.region}.amazonaws.com` },
        },
      ],
      [
        'grant the volume key to EBS',
        {
          action: 'kms:CreateGrant',
          resource: w.volumeKeyArn,
          context: { 'kms:ViaService': `ec2.${w.region}.amazonaws.com`, 'kms:GrantIsForAWSResource': 'true' },
        },
      ],
      [
        'describe instance types in its region',
        { action: 'ec2:DescribeInstanceTypes', resource: '*', context: { 'aws:RequestedRegion': w.region } },
      ],
      [
        'read Bottlerocket AMI parameters',
        {
          action: 'ssm:GetParameter',
          resource: `arn:aws:ssm:${w.region}::parameter/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id`,
        },
      ],
      ['read on-demand prices', { action: 'pricing:GetProducts', resource: '*' }],
    );
    return cases;
  }

  function denyCases(): Case[] {
    const w = world();
    const otherCluster = {
      'aws:RequestTag/kubernetes.io/cluster/other': 'owned',
      'aws:RequestTag/eks:eks-cluster-name': 'other',
      'aws:RequestTag/karpenter.sh/nodepool': 'default',
    };
    const otherOwned = { 'aws:ResourceTag/kubernetes.io/cluster/other': 'owned', 'aws:ResourceTag/karpenter.sh/nodepool': 'default' };
    const instance = w.ec2('instance/i-0123');
    const good = { ...w.launchTags, 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': '1' };
    const cases: Case[] = [];
    for (const action of ['ec2:RunInstances', 'ec2:CreateFleet']) {
      cases.push(
        [
          `${action}: an instance without the cluster tag in the request`,
          { action, resource: instance, context: { 'aws:RequestTag/karpenter.sh/nodepool': 'default' } },
        ],
        [
          `${action}: an instance without the node pool tag`,
          {
            action,
            resource: instance,
            context: {
              'aws:RequestTag/kubernetes.io/cluster/dev-platform': 'owned',
              'aws:RequestTag/eks:eks-cluster-name': 'dev-platform',
            },
          },
        ],
        [`${action}: an instance tagged for another cluster`, { action, resource: instance, context: otherCluster }],
        [
          `${action}: an instance with IMDSv1 allowed`,
          { action, resource: instance, context: { ...good, 'ec2:MetadataHttpTokens': 'optional' } },
        ],
        [
          `${action}: an instance with an IMDS hop limit of 2`,
          { action, resource: instance, context: { ...good, 'ec2:MetadataHttpPutResponseHopLimit': '2' } },
        ],
        [
          `${action}: a network interface with a public IP`,
          { action, resource: w.ec2('network-interface/eni-0123'), context: { ...w.launchTags, 'ec2:AssociatePublicIpAddress': 'true' } },
        ],
        [
          `${action}: an unencrypted volume`,
          { action, resource: w.ec2('volume/vol-0123'), context: { ...w.launchTags, 'ec2:Encrypted': 'false' } },
        ],
        [`${action}: in a public subnet`, { action, resource: w.ec2(`subnet/${w.publicSubnetIds[0]}`) }],
        [`${action}: in any other subnet`, { action, resource: w.ec2('subnet/subnet-0other') }],
        [`${action}: with another security group`, { action, resource: w.ec2('security-group/sg-0other') }],
        [`${action}: with another cluster's launch template`, { action, resource: w.ec2('launch-template/lt-0123'), context: otherOwned }],
      );
    }
    cases.push(
      ['terminate an instance without the cluster and node pool tags', { action: 'ec2:TerminateInstances', resource: instance }],
      [
        'terminate a cluster instance no node pool launched (a managed node)',
        {
          action: 'ec2:TerminateInstances',
          resource: instance,
          context: { 'aws:ResourceTag/kubernetes.io/cluster/dev-platform': 'owned' },
        },
      ],
      ["terminate another cluster's Karpenter instance", { action: 'ec2:TerminateInstances', resource: instance, context: otherOwned }],
      [
        "delete another cluster's launch template",
        { action: 'ec2:DeleteLaunchTemplate', resource: w.ec2('launch-template/lt-0123'), context: otherOwned },
      ],
      ['reboot its own instance (rebootForRepair is off)', { action: 'ec2:RebootInstances', resource: instance, context: w.ownedTags }],
      [
        'retag its own instance for another cluster',
        { action: 'ec2:CreateTags', resource: instance, context: { ...w.ownedTags, 'aws:TagKeys': ['kubernetes.io/cluster/other'] } },
      ],
      ['tag a resource it is not creating', { action: 'ec2:CreateTags', resource: w.ec2('volume/vol-0123'), context: w.launchTags }],
      [
        'pass the managed node group role',
        { action: 'iam:PassRole', resource: w.managedNodeRoleArn, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      ],
      [
        'pass its own role',
        { action: 'iam:PassRole', resource: w.controllerRoleArn, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      ],
      [
        'pass any other role',
        {
          action: 'iam:PassRole',
          resource: `arn:aws:iam::${w.account}:role/admin`,
          context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
        },
      ],
      [
        'pass the node role to another service',
        { action: 'iam:PassRole', resource: w.nodeRoleArn, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      ],
      ['create an instance profile', { action: 'iam:CreateInstanceProfile', resource: `arn:aws:iam::${w.account}:instance-profile/x` }],
      ['add a role to an instance profile', { action: 'iam:AddRoleToInstanceProfile', resource: w.instanceProfileArn }],
      ['describe another cluster', { action: 'eks:DescribeCluster', resource: `arn:aws:eks:${w.region}:${w.account}:cluster/other` }],
      ['send to the queue', { action: 'sqs:SendMessage', resource: w.queueArn }],
      ['read another queue', { action: 'sqs:ReceiveMessage', resource: `arn:aws:sqs:${w.region}:${w.account}:other` }],
      ['decrypt with the queue key directly', { action: 'kms:Decrypt', resource: w.queueKeyArn }],
      ['decrypt with the volume key directly', { action: 'kms:Decrypt', resource: w.volumeKeyArn }],
      [
        'grant the volume key to a principal',
        {
          action: 'kms:CreateGrant',
          resource: w.volumeKeyArn,
          context: { 'kms:ViaService': `ec2.${w.region}.amazonaws.com`, 'kms:GrantIsForAWSResource': 'false' },
        },
      ],
      [
        'use the data key through EC2',
        { action: 'kms:Decrypt', resource: w.dataKeyArn, context: { 'kms:ViaService': `ec2.${w.region}.amazonaws.com` } },
      ],
      [
        'describe instances in another region',
        { action: 'ec2:DescribeInstances', resource: '*', context: { 'aws:RequestedRegion': 'eu-west-1' } },
      ],
      [
        'read a customer parameter',
        { action: 'ssm:GetParameter', resource: `arn:aws:ssm:${w.region}:${w.account}:parameter/platform/secret` },
      ],
      [
        "read another AMI family's parameter",
        {
          action: 'ssm:GetParameter',
          resource: `arn:aws:ssm:${w.region}::parameter/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id`,
        },
      ],
    );
    return cases;
  }

  test('must-allow cases are allowed', () => {
    for (const [description, request] of allowCases())
      expect([description, evaluate(statements(), request)]).toEqual([description, 'allow']);
  });

  test('must-deny cases are denied', () => {
    for (const [description, request] of denyCases())
      expect([description, evaluate(statements(), request)]).not.toEqual([description, 'allow']);
  });

  test('wildcard resources only on read actions that support no resource-level permissions', () => {
    const wildcard = statements().filter((s) => s.Effect === 'Allow' && [s.Resource ?? []].flat().includes('*'));
    const actions = wildcard.flatMap((s) => [s.Action ?? []].flat());
    expect(actions.every((action) => /^ec2:Describe|^pricing:GetProducts$|^iam:ListInstanceProfiles$/.test(action))).toBe(true);
  });

  test("each controller policy fits IAM's 6,144-character limit with three subnets (references counted at 80 characters)", () => {
    const documents = prodKarpenter()
      .policies.allPolicyDocuments()
      .filter((d) => d.type === 'AWS::IAM::ManagedPolicy' && d.logicalId.startsWith('Karpenter'));
    expect(documents).toHaveLength(2);
    for (const { statements: policy } of documents) {
      const text = JSON.stringify({ Version: '2012-10-17', Statement: policy }).replace(/{{[^{}]*}}/g, 'x'.repeat(80));
      expect(text.length).toBeLessThan(6144);
    }
  });

  test('in an isolated VPC there is no pricing permission', () => {
    const isolated = buildKarpenter({}, { egress: 'isolated' });
    const role = isolated.karpenter.controller.identity!.role;
    expect(evaluate(isolated.policies.statementsOf(role), { action: 'pricing:GetProducts', resource: '*' })).toBe('implicit-deny');
  });
});

describe('controller release', () => {
  const helm = (chart: string) =>
    Object.entries(dev.resources).find(([, r]) => r.Type === 'Custom::AWSCDK-EKS-HelmChart' && r.Properties.Chart === chart)!;

  test('the CRD chart and the controller are pinned to 1.15.0 from the official OCI registry', () => {
    for (const chart of ['karpenter-crd', 'karpenter']) {
      const [, resource] = helm(chart);
      expect(resource.Properties).toMatchObject({
        Repository: `oci://public.ecr.aws/karpenter/${chart}`,
        Version: '1.15.0',
        Namespace: 'kube-system',
      });
    }
  });

  test('the controller is installed after the CRD chart, the queue and the managed nodes', () => {
    const [, controller] = helm('karpenter');
    const [crdId] = helm('karpenter-crd');
    expect(controller.DependsOn).toEqual(
      expect.arrayContaining([
        crdId,
        logicalId(dev.stack, dev.karpenter.interruptionQueue),
        logicalId(dev.stack, dev.managedNodes.nodegroup),
      ]),
    );
  });

  test('values: cluster, queue, two replicas, Guaranteed resources, never on a Karpenter node', () => {
    const [, controller] = helm('karpenter');
    const values = JSON.parse(dev.policies.resolve(controller.Properties.Values, dev.stack.stackName));
    expect(values.settings).toEqual({
      clusterName: 'dev-platform',
      clusterEndpoint: expect.stringContaining('Endpoint'),
      interruptionQueue: expect.stringContaining(logicalId(dev.stack, dev.karpenter.interruptionQueue)),
      isolatedVPC: false,
    });
    expect(values.replicas).toBe(2);
    const { controllerCpu: cpu, controllerMemory: memory } = dev.config.cluster.karpenter;
    expect(values.controller.resources).toEqual({ requests: { cpu, memory }, limits: { cpu, memory } });
    expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'DoesNotExist' }] },
    ]);
    expect(values.serviceAccount).toEqual({ create: true, name: 'karpenter' });
  });

  test("controller resources from the profile: Karpenter's documented sizing in prod", () => {
    const { resources, policies, stack } = prodKarpenter();
    const [, controller] = Object.entries(resources).find(([, r]) => r.Properties?.Chart === 'karpenter')!;
    const values = JSON.parse(policies.resolve(controller.Properties.Values, stack.stackName));
    expect(values.controller.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('the controller role is associated with kube-system/karpenter', () => {
    dev.template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'kube-system',
      ServiceAccount: 'karpenter',
      RoleArn: { 'Fn::GetAtt': [logicalId(dev.stack, dev.karpenter.controller.identity!.role), 'Arn'] },
    });
  });

  test('an isolated VPC sets isolatedVPC', () => {
    const isolated = buildKarpenter({}, { egress: 'isolated' });
    const [, controller] = Object.entries(isolated.resources).find(([, r]) => r.Properties?.Chart === 'karpenter')!;
    expect(JSON.parse(isolated.policies.resolve(controller.Properties.Values, isolated.stack.stackName)).settings.isolatedVPC).toBe(true);
  });
});

describe('EC2NodeClass', () => {
  const spec = () => dev.objectOf('EC2NodeClass').spec;

  test('Bottlerocket only', () => {
    expect(spec().amiSelectorTerms).toEqual([{ alias: 'bottlerocket@latest' }]);
    expect(spec().userData).toBe(BOTTLEROCKET_SETTINGS);
  });

  test('IMDSv2 required with a hop limit of 1', () => {
    expect(spec().metadataOptions).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
  });

  test('both volumes encrypted with the block-storage key', () => {
    const keys = dev.app.node.findChild('Keys') as KeysStack;
    const volumeKeyArn = dev.policies.resolveToken(keys, keys.keys.blockStorage.keyArn);
    const mappings = spec().blockDeviceMappings as { deviceName: string; ebs: Record<string, unknown> }[];
    expect(mappings.map((m) => m.deviceName)).toEqual([BOTTLEROCKET_OS_DEVICE, BOTTLEROCKET_DATA_DEVICE]);
    for (const mapping of mappings) expect(mapping.ebs).toMatchObject({ encrypted: true, kmsKeyID: volumeKeyArn });
  });

  test('private subnets only, by id, no public IP, the cluster security group', () => {
    const network = dev.app.node.findChild('Network') as NetworkStack;
    const { vpc, workloadSubnets } = network.network;
    const privateIds = vpc.selectSubnets(workloadSubnets).subnetIds.map((id) => dev.policies.resolveToken(network, id));
    expect(privateIds.length).toBeGreaterThan(0);
    expect(spec().subnetSelectorTerms).toEqual(privateIds.map((id) => ({ id })));
    expect(spec().associatePublicIPAddress).toBe(false);
    expect(spec().securityGroupSelectorTerms).toEqual([
      { id: dev.policies.resolveToken(dev.stack, dev.stack.cluster.clusterSecurityGroupId) },
    ]);
  });

  test('the pre-created instance profile, so Karpenter needs no IAM writes', () => {
    expect(spec().instanceProfile).toBe(dev.policies.resolveToken(dev.stack, dev.karpenter.instanceProfile.instanceProfileName));
    expect(spec().role).toBeUndefined();
  });

  test('applied after the controller, the node access entry and the instance profile', () => {
    const [first] = dev.karpenter.nodePool.batches;
    const dependsOn = dev.resources[logicalId(dev.stack, first)].DependsOn;
    expect(dependsOn).toEqual(
      expect.arrayContaining([
        logicalId(dev.stack, dev.karpenter.controller.chart),
        logicalId(dev.stack, dev.karpenter.nodeAccessEntry),
        logicalId(dev.stack, dev.karpenter.instanceProfile),
      ]),
    );
  });
});

describe('NodePool', () => {
  const spec = () => dev.objectOf('NodePool').spec;
  const capacityTypes = (pool: Record<string, any>) =>
    (pool.spec.template.spec.requirements as { key: string; values: string[] }[]).find((r) => r.key === 'karpenter.sh/capacity-type')!
      .values;

  test('on-demand only by default', () => {
    expect(capacityTypes(dev.objectOf('NodePool'))).toEqual(['on-demand']);
  });

  test('spot only when opted in', () => {
    expect(capacityTypes(buildKarpenter({ spot: true }).objectOf('NodePool'))).toEqual(['on-demand', 'spot']);
  });

  test('cpu and memory limits from the profile', () => {
    expect(spec().limits).toEqual({ cpu: '16', memory: '64Gi' });
  });

  test('consolidation on, with a disruption budget', () => {
    expect(spec().disruption).toEqual({
      consolidationPolicy: 'WhenEmptyOrUnderutilized',
      consolidateAfter: '5m',
      budgets: [{ nodes: '10%' }],
    });
  });

  test('uses the node class', () => {
    expect(spec().template.spec.nodeClassRef).toEqual({
      group: 'karpenter.k8s.aws',
      kind: 'EC2NodeClass',
      name: dev.objectOf('EC2NodeClass').metadata.name,
    });
  });
});

describe('validation', () => {
  test.each([
    [{ amiAlias: 'al2023@latest' }, /not a Bottlerocket alias/],
    [{ subnets: { subnetType: 'Public' } }, /public subnet/],
    [{ cpuLimit: 0 }, /cpuLimit is 0/],
    [{ disruptionBudget: 'ten' }, /disruptionBudget ten/],
  ] as [Partial<KarpenterProps>, RegExp][])('rejects %j', (overrides, message) => {
    // A scope of its own: the construct validates before it adds anything.
    const props: KarpenterProps = {
      cluster: dev.stack.cluster,
      clusterName: 'dev-platform',
      subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      volumeKey: dev.keys.keys.blockStorage,
      queueKey: dev.queueKey,
      cpuLimit: 64,
      memoryLimitGiB: 256,
    };
    expect(() => new Karpenter(new Stack(), 'Karpenter', { ...props, ...overrides })).toThrow(message);
  });
});
