import { CHART_APIS } from '../../lib/evidence/chart-apis';
import {
  crossStackCycles,
  DeployTrap,
  kubernetesObjectsBeforeTheirCrds,
  StackTemplate,
  unconfirmedStackOutputPositions,
} from '../../lib/evidence/deploy-order';
import { CfnTemplate, TemplateResource } from '../../lib/evidence/stack-templates';
import { HelmChartSource } from '../../lib/constructs/helm-component';

// Each rule on small hand-made templates: a compliant case and the traps it must report.

function stack(id: string, template: CfnTemplate, dependencies: string[] = []): StackTemplate {
  return { id, stackName: `test-${id.toLowerCase()}`, region: 'us-east-1', template, dependencies };
}

function stackOutput(stackId: string, outputName: string) {
  return { 'Fn::GetStackOutput': { StackName: `test-${stackId.toLowerCase()}`, Region: 'us-east-1', OutputName: outputName } };
}

const paths = (traps: readonly DeployTrap[]) => traps.map((trap) => trap.path);

describe('unconfirmedStackOutputPositions', () => {
  const producer = stack('Data', { Resources: {}, Outputs: { RepositoryArn: { Value: 'arn' }, RepositoryName: { Value: 'name' } } });
  const consumer = (template: CfnTemplate) => [producer, stack('Workloads', template, ['Data'])];

  test('reports Fn::GetStackOutput inside Fn::Split, with its path', () => {
    const traps = unconfirmedStackOutputPositions(
      consumer({
        Resources: {
          Manifest: {
            Type: 'Custom::Thing',
            Properties: {
              Image: { 'Fn::Join': ['', ['x', { 'Fn::Select': [4, { 'Fn::Split': [':', stackOutput('Data', 'RepositoryArn')] }] }]] },
            },
          },
        },
      }),
    );
    expect(paths(traps)).toEqual(['Workloads/Resources/Manifest/Properties/Image/Fn::Join/1/1/Fn::Select/1/Fn::Split/1']);
    expect(traps[0]).toMatchObject({ stack: 'Workloads', logicalId: 'Manifest', problem: expect.stringContaining('inside Fn::Split') });
  });

  test('reports it in Conditions, in an Export name and outside Properties', () => {
    const traps = unconfirmedStackOutputPositions(
      consumer({
        Conditions: { IsProd: { 'Fn::Equals': [stackOutput('Data', 'RepositoryName'), 'prod'] } },
        Resources: { Queue: { Type: 'AWS::SQS::Queue', Metadata: { source: stackOutput('Data', 'RepositoryName') } } },
        Outputs: { Name: { Value: 'literal', Export: { Name: stackOutput('Data', 'RepositoryName') } } },
      }),
    );
    expect(paths(traps)).toEqual([
      'Workloads/Conditions/IsProd/Fn::Equals/0',
      'Workloads/Resources/Queue/Metadata/source',
      'Workloads/Outputs/Name/Export/Name',
    ]);
  });

  test('accepts it as a property value inside Fn::Join and Fn::Sub, and as an Output value', () => {
    expect(
      unconfirmedStackOutputPositions(
        consumer({
          Resources: {
            Queue: {
              Type: 'AWS::SQS::Queue',
              Properties: {
                QueueName: { 'Fn::Join': ['-', [stackOutput('Data', 'RepositoryName'), 'queue']] },
                Tags: [{ Key: 'arn', Value: { 'Fn::Sub': ['${Arn}/x', { Arn: stackOutput('Data', 'RepositoryArn') }] } }],
              },
            },
          },
          Outputs: { Name: { Value: stackOutput('Data', 'RepositoryName') } },
        }),
      ),
    ).toEqual([]);
  });
});

describe('crossStackCycles', () => {
  const outputs = { Outputs: { Name: { Value: 'value' } } };

  test('reports two stacks that wait for each other', () => {
    const traps = crossStackCycles([
      stack(
        'A',
        { ...outputs, Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: stackOutput('B', 'Name') } } } },
        [],
      ),
      stack('B', outputs, ['A']),
    ]);
    expect(traps).toContainEqual(expect.objectContaining({ problem: expect.stringContaining('stacks A → B → A wait for each other') }));
  });

  test('reports a reference to a stack the consumer is not deployed after, and to a missing output', () => {
    const traps = crossStackCycles([
      stack(
        'A',
        {
          Resources: {
            Topic: {
              Type: 'AWS::SNS::Topic',
              Properties: { TopicName: stackOutput('B', 'Name'), DisplayName: stackOutput('C', 'Missing') },
            },
          },
        },
        ['C'],
      ),
      stack('B', outputs),
      stack('C', outputs),
    ]);
    expect(traps.map((trap) => [trap.path, trap.problem])).toEqual([
      ['A/Resources/Topic/Properties/TopicName', expect.stringContaining('the manifest does not deploy A after it')],
      ['A/Resources/Topic/Properties/DisplayName', expect.stringContaining('reads output "Missing", which C (test-c) does not declare')],
    ]);
  });

  test('accepts a reference to an output of a stack deployed first', () => {
    expect(
      crossStackCycles([
        stack('A', { Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: stackOutput('B', 'Name') } } } }, ['B']),
        stack('B', outputs),
      ]),
    ).toEqual([]);
  });
});

describe('kubernetesObjectsBeforeTheirCrds', () => {
  const CLUSTER = { Ref: 'Cluster' };

  function helmChart(
    source: HelmChartSource,
    namespace: string,
    options: { values?: object; wait?: boolean; dependsOn?: string[] } = {},
  ): TemplateResource {
    return {
      Type: 'Custom::AWSCDK-EKS-HelmChart',
      Properties: {
        ClusterName: CLUSTER,
        Repository: source.repository,
        Chart: source.chart,
        Version: source.version,
        Namespace: namespace,
        CreateNamespace: true,
        Wait: options.wait ?? true,
        Values: JSON.stringify(options.values ?? {}),
      },
      ...(options.dependsOn ? { DependsOn: options.dependsOn } : {}),
    };
  }

  function manifest(objects: object[], dependsOn?: string[], clusterName: unknown = CLUSTER): TemplateResource {
    return {
      Type: 'Custom::AWSCDK-EKS-KubernetesResource',
      Properties: { ClusterName: clusterName, Manifest: JSON.stringify(objects) },
      ...(dependsOn ? { DependsOn: dependsOn } : {}),
    };
  }

  const certificate = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'platform-ca', namespace: 'cert-manager' },
    spec: { secretName: 'platform-ca', issuerRef: { name: 'self-signed', kind: 'ClusterIssuer' } },
  };
  const certManager = (options?: { wait?: boolean }) =>
    helmChart(CHART_APIS.certManager.source, 'cert-manager', { values: { crds: { enabled: true } }, ...options });
  const clusterStack = (resources: Record<string, TemplateResource>) =>
    stack('Cluster', {
      Resources: { Cluster: { Type: 'AWS::EKS::Cluster' }, ...resources },
      Outputs: { ClusterName: { Value: CLUSTER } },
    });

  test('reports a Certificate applied with no dependency on the cert-manager chart, and accepts it once it has one', () => {
    const unordered = kubernetesObjectsBeforeTheirCrds([clusterStack({ CertManager: certManager(), Ca: manifest([certificate]) })]);
    expect(unordered).toEqual([
      expect.objectContaining({
        path: 'Cluster/Resources/Ca',
        problem: expect.stringMatching(
          /^Certificate cert-manager\/platform-ca .* must come after Cluster\/CertManager \(cert-manager installs the cert-manager.io CRDs; .*webhook.cert-manager.io admits it; it creates namespace cert-manager\)/,
        ),
      }),
    ]);
    expect(
      kubernetesObjectsBeforeTheirCrds([clusterStack({ CertManager: certManager(), Ca: manifest([certificate], ['CertManager']) })]),
    ).toEqual([]);
  });

  test("follows dependencies through other resources, and across stacks only through the manifest's stack dependencies", () => {
    const chain = clusterStack({
      CertManager: certManager(),
      Barrier: { Type: 'AWS::CloudFormation::WaitConditionHandle', DependsOn: ['CertManager'] },
      Ca: manifest([certificate], ['Barrier']),
    });
    expect(kubernetesObjectsBeforeTheirCrds([chain])).toEqual([]);

    const workloads = (dependencies: string[]) =>
      stack('Workloads', { Resources: { Ca: manifest([certificate], undefined, stackOutput('Cluster', 'ClusterName')) } }, dependencies);
    const cluster = clusterStack({ CertManager: certManager() });
    expect(paths(kubernetesObjectsBeforeTheirCrds([cluster, workloads([])]))).toEqual(['Workloads/Resources/Ca']);
    expect(kubernetesObjectsBeforeTheirCrds([cluster, workloads(['Cluster'])])).toEqual([]);
  });

  test('reports a chart relied on that installs without Wait', () => {
    const traps = kubernetesObjectsBeforeTheirCrds([
      clusterStack({ CertManager: certManager({ wait: false }), Ca: manifest([certificate], ['CertManager']) }),
    ]);
    expect(traps).toEqual([
      expect.objectContaining({
        path: 'Cluster/Resources/CertManager/Properties/Wait',
        problem: expect.stringContaining('installs without Wait'),
      }),
    ]);
  });

  test('reads manifests built with Fn::Join, and reports an API group nothing installs', () => {
    const joined: TemplateResource = {
      Type: 'Custom::AWSCDK-EKS-KubernetesResource',
      Properties: {
        ClusterName: CLUSTER,
        Manifest: {
          'Fn::Join': [
            '',
            [
              '[{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"',
              { Ref: 'Name' },
              '","namespace":"shop"}}]',
            ],
          ],
        },
      },
    };
    expect(kubernetesObjectsBeforeTheirCrds([clusterStack({ Route: joined })])).toEqual([
      expect.objectContaining({
        path: 'Cluster/Resources/Route/Properties/Manifest [0]',
        problem: expect.stringContaining('nothing in this assembly installs API group gateway.networking.k8s.io'),
      }),
    ]);
  });

  test("reports an object before its Namespace in one manifest, and after another manifest's Namespace only with a dependency", () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'orders', namespace: 'shop' } };
    expect(paths(kubernetesObjectsBeforeTheirCrds([clusterStack({ Shop: manifest([account, namespace]) })]))).toEqual([
      'Cluster/Resources/Shop/Properties/Manifest [0]',
    ]);
    expect(paths(kubernetesObjectsBeforeTheirCrds([clusterStack({ Shop: manifest([namespace]), Orders: manifest([account]) })]))).toEqual([
      'Cluster/Resources/Orders',
    ]);
    expect(
      kubernetesObjectsBeforeTheirCrds([clusterStack({ Shop: manifest([namespace]), Orders: manifest([account], ['Shop']) })]),
    ).toEqual([]);
  });

  test("reports a chart whose Services the load balancer controller's webhook admits before the controller is up, unless that webhook is off", () => {
    const controller = (values: object) => helmChart(CHART_APIS.awsLoadBalancerController.source, 'kube-system', { values });
    const traps = kubernetesObjectsBeforeTheirCrds([clusterStack({ Controller: controller({}), CertManager: certManager() })]);
    expect(traps).toEqual([
      expect.objectContaining({
        path: 'Cluster/Resources/CertManager',
        problem: expect.stringContaining('mservice.elbv2.k8s.aws admits the Services it creates'),
      }),
    ]);
    expect(
      kubernetesObjectsBeforeTheirCrds([
        clusterStack({ Controller: controller({ enableServiceMutatorWebhook: false }), CertManager: certManager() }),
      ]),
    ).toEqual([]);
  });

  test('reports a chart CHART_APIS does not describe, or describes at another version', () => {
    const traps = kubernetesObjectsBeforeTheirCrds([
      clusterStack({
        Unknown: helmChart({ repository: 'https://charts.example.com', chart: 'thing', version: '1.0.0' }, 'thing'),
        CertManager: helmChart({ ...CHART_APIS.certManager.source, version: 'v0.0.1' }, 'cert-manager'),
      }),
    ]);
    expect(traps.map((trap) => trap.path)).toEqual(['Cluster/Resources/Unknown', 'Cluster/Resources/CertManager/Properties/Version']);
  });
});
