import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizePlatform } from '../../lib/app';
import { ServiceCatalogue, ServiceDefinition } from '../../lib/catalogue/service-catalogue';
import { validateServiceCatalogue } from '../../lib/catalogue/validate-catalogue';
import { REFERENCE_CATALOGUE } from '../support/catalogue';

const [orders, inventory] = REFERENCE_CATALOGUE.services;

/**
 * The catalogue is validated once, where bin/ reads it: stacks and charts accept only a `ValidCatalogue`, so these
 * cases go through the whole synth path and must stop it before anything is built or written.
 */
describe('a bad catalogue stops synth with one line per problem, naming the field and the fix, and builds nothing', () => {
  test.each<[string, ServiceDefinition[], string]>([
    [
      'two services with one name',
      [orders, { ...inventory, name: 'orders', table: { ...inventory.table!, name: 'stock' } }],
      'invalid config services[1].name="orders": service names must be unique: rename one of them',
    ],
    [
      'a call edge to an unknown service',
      [{ ...orders, calls: ['payments'] }, inventory],
      'invalid config services[0].calls="payments": call only services in the catalogue (orders, inventory)',
    ],
    [
      'a scope not defined on the resource server',
      [{ ...orders, routes: [{ ...orders.routes[0], scope: 'orders/cancel' }] }, inventory],
      'invalid config services[0].routes[0].scope="orders/cancel": use a scope defined on a resource server',
    ],
    [
      'a port a non-root service cannot bind',
      [{ ...orders, port: 80 }, inventory],
      'invalid config services[0].port=80: use a whole number from 1024 to 65535 (services run as non-root and cannot bind lower ports)',
    ],
    [
      'a table name collision',
      [orders, { ...inventory, table: { ...inventory.table!, name: 'orders' } }],
      'invalid config services[1].table.name="orders": table name already used by service orders: set a distinct table.name',
    ],
    [
      'a scope name with spaces',
      [{ ...orders, scopes: ['read all'] }, inventory],
      'invalid config services[0].scopes="read all": a scope name cannot contain spaces',
    ],
    [
      "an admin scope outside the service's scopes",
      [{ ...orders, adminScope: 'audit' }, inventory],
      'invalid config services[0].adminScope="audit": use one of the service\'s scopes (read, write, admin), or add it to them',
    ],
    [
      'an admin scope that a route requires (every client holds the route scopes)',
      [{ ...orders, adminScope: 'read' }, inventory],
      'invalid config services[0].adminScope="read": use a scope no route requires',
    ],
    [
      'a body schema the contract does not define',
      [{ ...orders, routes: [orders.routes[0], { ...orders.routes[1], bodySchema: 'CancelOrder' }] }, inventory],
      'invalid config services[0].routes[1].bodySchema="CancelOrder": use a schema of REQUEST_BODY_SCHEMAS (CreateOrder, SetStock), ' +
        'or add it there (lib/catalogue/body-schemas.ts)',
    ],
  ])('%s', (_name, services, expected) => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-')), 'cdk.out');
    const manifests = path.join(path.dirname(outdir), 'manifests');
    const app = new App({ outdir });
    const lines: string[] = [];
    const catalogue: ServiceCatalogue = { ...REFERENCE_CATALOGUE, services };
    expect(synthesizePlatform(app, catalogue, { env: {}, log: (line) => lines.push(line), manifestsDir: manifests })).toBe(1);
    expect(
      lines
        .join('\n')
        .split('\n')
        .filter((line) => line.startsWith(expected)),
    ).toHaveLength(1);
    expect(app.node.children).toEqual([]);
    const written = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);
    expect([...written(outdir), ...written(manifests)]).toEqual([]);
  });
});

test('the reference catalogue is valid, and validation returns the same object (branded, not copied)', () => {
  const catalogue: ServiceCatalogue = { ...REFERENCE_CATALOGUE };
  expect(validateServiceCatalogue(catalogue)).toBe(catalogue);
});
