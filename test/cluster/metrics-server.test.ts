import { Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { checkMetricSources, kubernetesObjectsOf } from '../../lib/evidence/metric-sources';
import type { CfnTemplate } from '../../lib/evidence/stack-templates';
import type { Manifest } from '../../lib/evidence/access-layers';
import { METRICS_SERVER_ADDON_NAME, METRICS_SERVER_REPLICAS } from '../../lib/constructs/cluster-addons';
import { buildPlatform } from '../support/platform-fixture';

let dev: ReturnType<typeof buildPlatform>;
let clusterTemplate: Record<string, any>;
/** What the dev platform applies to the cluster: the cluster stack's manifests, then the workload charts. */
let objects: Manifest[];
beforeAll(() => {
  dev = buildPlatform();
  clusterTemplate = Template.fromStack(dev.platform.cluster).toJSON();
  objects = [
    ...kubernetesObjectsOf(clusterTemplate),
    ...dev.platform.workloads!.charts.all.flatMap((chart) => Testing.synth(chart) as Manifest[]),
  ];
});

const resourcesOfType = (template: Record<string, any>, type: string): [string, any][] =>
  Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);
const metricsServer = () =>
  resourcesOfType(clusterTemplate, 'AWS::EKS::Addon').filter(([, r]) => r.Properties.AddonName === METRICS_SERVER_ADDON_NAME);
const hpas = () => objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
/** The cluster template as it was before the add-on existed. */
const withoutMetricsServer = (): CfnTemplate => ({
  ...clusterTemplate,
  Resources: Object.fromEntries(
    Object.entries<any>(clusterTemplate.Resources).filter(
      ([, r]) => !(r.Type === 'AWS::EKS::Addon' && r.Properties.AddonName === METRICS_SERVER_ADDON_NAME),
    ),
  ),
});
/** One of the platform's own HPAs, with its metrics replaced. */
const hpaWith = (metrics: unknown[]): Manifest => {
  const hpa = structuredClone(hpas()[0]) as any;
  hpa.spec.metrics = metrics;
  return hpa;
};

describe('metrics-server add-on', () => {
  test('is installed once, pinned to the configured version', () => {
    expect(metricsServer().map(([, r]) => r.Properties.AddonVersion)).toEqual([dev.config.cluster.addons.metricsServer]);
    expect(dev.config.cluster.addons.metricsServer).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
  });

  test("runs two replicas and overrides nothing else, so the chart's restricted security context stays in force", () => {
    const [[, addon]] = metricsServer();
    // Any other key (securityContext, hostNetwork, args…) would replace the chart's restricted defaults or be
    // rejected by the add-on's configuration schema at deploy time.
    expect(JSON.parse(addon.Properties.ConfigurationValues)).toEqual({ replicas: METRICS_SERVER_REPLICAS });
    expect(METRICS_SERVER_REPLICAS).toBeGreaterThanOrEqual(2);
  });

  test('is created after the node group, like the other add-ons that run as pods (and deleted before it)', () => {
    const [[nodegroupId]] = resourcesOfType(clusterTemplate, 'AWS::EKS::Nodegroup');
    const [[, addon]] = metricsServer();
    expect(addon.DependsOn).toContain(nodegroupId);
  });
});

describe('every HPA metric has an installed source', () => {
  test('the dev platform passes: its HPAs scale on CPU, from metrics.k8s.io, which metrics-server serves', () => {
    expect(hpas().map((hpa) => hpa.metadata!.name)).toEqual(SERVICE_CATALOGUE.services.map((service) => service.name));
    expect(checkMetricSources(objects, clusterTemplate)).toEqual([]);
  });

  test('without the metrics-server add-on, every HPA is reported with the API nothing serves', () => {
    const violations = checkMetricSources(objects, withoutMetricsServer());
    expect(violations.map((v) => [v.hpa, v.metricType, v.api])).toEqual(
      hpas().map((hpa) => [`${hpa.metadata!.namespace}/${hpa.metadata!.name}`, 'Resource', 'metrics.k8s.io']),
    );
    expect(violations[0].message).toMatch(
      /^HorizontalPodAutoscaler \S+ reads a metric of type Resource from metrics\.k8s\.io, which nothing installed .* install the metrics-server add-on/,
    );
  });

  test.each([
    [
      'Pods',
      'custom.metrics.k8s.io',
      { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ],
    [
      'Object',
      'custom.metrics.k8s.io',
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'v1', kind: 'Service', name: 'orders' },
          metric: { name: 'rps' },
          target: { type: 'Value', value: '100' },
        },
      },
    ],
    [
      'External',
      'external.metrics.k8s.io',
      { type: 'External', external: { metric: { name: 'sqs_queue_depth' }, target: { type: 'AverageValue', averageValue: '5' } } },
    ],
  ])('an HPA on a %s metric is reported, even with metrics-server: nothing serves %s', (type, api, metric) => {
    const hpa = hpaWith([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }, metric]);
    const violations = checkMetricSources([...objects, hpa], clusterTemplate);
    expect(violations).toEqual([
      expect.objectContaining({ hpa: `${hpa.metadata!.namespace}/${hpa.metadata!.name}`, metricType: type, api }),
    ]);
    expect(violations[0].message).toContain(`reads a metric of type ${type} from ${api}`);
  });

  test('ContainerResource metrics, v1 HPAs and v2 HPAs without metrics all read metrics.k8s.io', () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'legacy', namespace: 'orders' },
      spec: { targetCPUUtilizationPercentage: 70 },
    };
    const candidates = [
      hpaWith([
        {
          type: 'ContainerResource',
          containerResource: { name: 'memory', container: 'orders', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ]),
      hpaWith([]),
      v1,
    ];
    expect(checkMetricSources(candidates, clusterTemplate)).toEqual([]);
    expect(checkMetricSources(candidates, withoutMetricsServer()).map((v) => v.api)).toEqual([
      'metrics.k8s.io',
      'metrics.k8s.io',
      'metrics.k8s.io',
    ]);
  });

  test('a metric type autoscaling/v2 does not define is reported', () => {
    const [violation, ...others] = checkMetricSources([hpaWith([{ type: 'Prometheus' }])], clusterTemplate);
    expect(others).toEqual([]);
    expect(violation.metricType).toBe('Prometheus');
    expect(violation.api).toBeUndefined();
    expect(violation.message).toMatch(/of type Prometheus, which autoscaling\/v2 does not define: use one of Resource, /);
  });

  test("the HPAs read back from the workloads template (manifests with deploy-time values) are the charts' HPAs", () => {
    const applied = kubernetesObjectsOf(Template.fromStack(dev.platform.workloads!).toJSON());
    const names = (list: readonly Manifest[]) =>
      list
        .filter((o) => o.kind === 'HorizontalPodAutoscaler')
        .map((o) => o.metadata!.name)
        .sort();
    expect(names(applied)).toEqual(names(hpas()));
    expect(checkMetricSources([...kubernetesObjectsOf(clusterTemplate), ...applied], clusterTemplate)).toEqual([]);
  });
});
