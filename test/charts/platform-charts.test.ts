import { Lazy } from 'aws-cdk-lib';
import { Testing } from 'cdk8s';
import { ConfigErrors } from '../../lib/catalogue/config-error';
import { BASELINE_CHART_ID, createPlatformCharts, INGRESS_CHART_ID, PlatformChartsProps } from '../../lib/charts';
import { chartProps, digestImage } from './support/chart-fixture';

function errorsOf(props: PlatformChartsProps): ConfigErrors {
  const app = Testing.app();
  try {
    createPlatformCharts(app, props);
  } catch (error) {
    expect(app.charts).toEqual([]);
    return error as ConfigErrors;
  }
  throw new Error('expected ConfigErrors');
}

test('builds the ingress (ambient), the baseline that depends on it, then one chart per service that depends on the baseline', () => {
  const charts = createPlatformCharts(Testing.app(), chartProps());
  expect(charts.all.map((c) => c.node.id)).toEqual([INGRESS_CHART_ID, BASELINE_CHART_ID, 'service-orders', 'service-inventory']);
  expect(charts.baseline.node.dependencies).toContain(charts.ingress);
  for (const chart of Object.values(charts.services)) expect(chart.node.dependencies).toContain(charts.baseline);
});

test('native mode builds no mesh ingress chart (the services terminate mTLS themselves)', () => {
  const charts = createPlatformCharts(Testing.app(), chartProps({ mtls: 'native' }));
  expect(charts.ingress).toBeUndefined();
  expect(charts.all.map((c) => c.node.id)).toEqual([BASELINE_CHART_ID, 'service-orders', 'service-inventory']);
});

describe('every input problem is reported at once, naming the field and the fix, before anything is built', () => {
  test('images, role ARNs and ingress settings', () => {
    const { errors } = errorsOf(
      chartProps({
        images: { orders: 'orders:1.0', payment: digestImage('payment') },
        roleArns: { invntory: 'arn:aws:iam::111111111111:role/x' },
        ingressServicePort: 70000,
        ingressServiceName: 'Ingress_Gateway',
        ingressTargetGroupArn: 'arn:aws:iam::111111111111:role/not-a-target-group',
      }),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'images.payment',
      'roleArns.invntory',
      'images.orders',
      'images.inventory',
      'ingressServicePort',
      'ingressServiceName',
      'ingressTargetGroupArn',
    ]);
    expect(errors[0].fix).toBe('no service payment in the catalogue: use one of orders, inventory');
    expect(errors[3].fix).toMatch(/^missing image: reference the image by digest/);
  });

  test('a service with no probes', () => {
    expect(errorsOf(chartProps({ readinessProbePath: '' })).errors.map((e) => e.field)).toEqual(['readinessProbePath']);
  });
});

test('CDK tokens are accepted where the value is only known at deploy time', () => {
  const repositoryUri = Lazy.string({ produce: () => '111111111111.dkr.ecr.us-east-1.amazonaws.com/orders' });
  const charts = createPlatformCharts(
    Testing.app(),
    chartProps({
      images: { orders: `${repositoryUri}@sha256:${'cd'.repeat(32)}`, inventory: digestImage('inventory') },
      ingressTargetGroupArn: Lazy.string({ produce: () => 'arn' }),
      ingressSourceCidrs: [Lazy.string({ produce: () => '10.0.0.0/16' })],
    }),
  );
  expect(charts.all).toHaveLength(4);
  expect(errorsOf(chartProps({ images: { orders: `${repositoryUri}:latest`, inventory: digestImage('inventory') } })).errors[0].field).toBe(
    'images.orders',
  );
});

test('dev accepts tags, warning once per service', () => {
  const warn = jest.fn();
  createPlatformCharts(
    Testing.app(),
    chartProps({ profile: 'dev', images: { orders: 'orders:dev', inventory: digestImage('inventory') }, warn }),
  );
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0][0]).toMatch(/^images\.orders=orders:dev is not pinned by digest/);
});
