import { chartMetadata } from '../../scripts/mirror/chart-archive';
import { tarGz } from './support/fake-chart-servers';

test('reads Chart.yaml from the chart directory, not from a subchart', () => {
  const archive = tarGz({
    'istiod/charts/sub/Chart.yaml': 'name: sub\nversion: 9.9.9\n',
    'istiod/values.yaml': 'a: 1\n',
    'istiod/Chart.yaml': 'apiVersion: v2\nname: istiod\nversion: 1.30.2\nkeywords: [istio]\n',
  });
  expect(chartMetadata(archive)).toEqual({ apiVersion: 'v2', name: 'istiod', version: '1.30.2', keywords: ['istio'] });
});

test.each([
  ['a pax extended header', 'x', (name: string) => `${` path=${name}\n`.length + 2} path=${name}\n`],
  ['a GNU long name', 'L', (name: string) => `${name}\0`],
])('takes the name of the next entry from %s', (_, type, content) => {
  const archive = tarGz(
    { 'PaxHeader/next': content('karpenter/Chart.yaml'), 'karpenter/Chart.ya': 'name: karpenter\nversion: 1.15.0\n' },
    { 'PaxHeader/next': type },
  );
  expect(chartMetadata(archive)).toEqual({ name: 'karpenter', version: '1.15.0' });
});

test('an archive without Chart.yaml is not a chart', () => {
  expect(() => chartMetadata(tarGz({ 'x/values.yaml': 'a: 1\n' }))).toThrow(
    'the archive holds no <chart>/Chart.yaml: it is not a Helm chart',
  );
});
