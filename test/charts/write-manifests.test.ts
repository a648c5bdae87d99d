import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as schemas from '../../lib/charts/manifest-schemas';
import { ConfigErrors } from '../../lib/catalogue/config-error';
import { writeManifests } from '../../lib/charts';
import { chartProps } from './support/chart-fixture';

let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifests-'));
});
afterEach(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

const listing = () => fs.readdirSync(outdir).sort();

test('one YAML file per chart, numbered in apply order, replacing the previous run', () => {
  fs.writeFileSync(path.join(outdir, '09-service-removed.k8s.yaml'), 'stale');
  fs.writeFileSync(path.join(outdir, 'README.md'), 'kept');
  const written = writeManifests(outdir, chartProps());
  expect(written.map((f) => path.basename(f))).toEqual([
    '00-platform-ingress.k8s.yaml',
    '01-platform-baseline.k8s.yaml',
    '02-service-orders.k8s.yaml',
    '03-service-inventory.k8s.yaml',
  ]);
  expect(listing()).toEqual([...written.map((f) => path.basename(f)), 'README.md'].sort());
  const orders = Yaml.load(written[2]);
  expect(orders.map((m) => m.kind)).toEqual([
    'ServiceAccount',
    'Deployment',
    'HorizontalPodAutoscaler',
    'PodDisruptionBudget',
    'Service',
    'SecretProviderClass',
    'NetworkPolicy',
  ]);
});

test('bad input: ConfigErrors and nothing written or removed', () => {
  fs.writeFileSync(path.join(outdir, '00-platform-baseline.k8s.yaml'), 'previous');
  expect(() => writeManifests(outdir, chartProps({ images: { orders: 'orders:latest', inventory: 'inventory:latest' } }))).toThrow(
    ConfigErrors,
  );
  expect(listing()).toEqual(['00-platform-baseline.k8s.yaml']);
  expect(fs.readFileSync(path.join(outdir, '00-platform-baseline.k8s.yaml'), 'utf8')).toBe('previous');
});

test('schema problems: nothing written', () => {
  jest.spyOn(schemas, 'validateManifests').mockImplementation(() => {
    throw new Error('manifests fail schema validation');
  });
  const target = path.join(outdir, 'new');
  expect(() => writeManifests(target, chartProps())).toThrow('manifests fail schema validation');
  expect(fs.existsSync(target)).toBe(false);
});
