import { BodySchemas, REQUEST_BODY_SCHEMAS } from './body-schemas';
import { ConfigError, ConfigErrors } from './config-error';
import { definedScopes, qualifiedScope, ServiceCatalogue, tableName } from './service-catalogue';

declare const VALIDATED: unique symbol;

/**
 * A catalogue that passed `validateServiceCatalogue`. Stacks, charts and the platform builder accept only this
 * type, so the catalogue is checked once, where it is read, and nothing can build from an unchecked one.
 */
export type ValidCatalogue = ServiceCatalogue & { readonly [VALIDATED]: true };

const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** DynamoDB allows 255; 200 leaves room for the data stack's per-environment prefix. */
const DYNAMODB_TABLE_NAME = /^[a-zA-Z0-9_.-]{3,200}$/;
const SCOPE_NAME = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 scope-token: printable ASCII except space, " and \

/**
 * Checks the catalogue once, at the edge; every problem names the field, the value and the fix.
 * @param schemas the request body schemas routes may name (`bodySchema`)
 */
export function validateServiceCatalogue(catalogue: ServiceCatalogue, schemas: BodySchemas = REQUEST_BODY_SCHEMAS): ValidCatalogue {
  const errors: ConfigError[] = [];
  const check = (ok: boolean, field: string, value: unknown, fix: string) => {
    if (!ok) errors.push(new ConfigError(field, value, fix));
  };
  const names = catalogue.services.map((s) => s.name);
  const scopes = definedScopes(catalogue);
  const routeScopes = new Set(catalogue.services.flatMap((s) => s.routes.map((route) => route.scope)));
  const tables = new Map<string, string>();

  catalogue.services.forEach((service, index) => {
    const at = `services[${index}]`;
    check(DNS_LABEL.test(service.name), `${at}.name`, service.name, 'use a lowercase DNS label (a-z, 0-9, -), at most 63 characters');
    check(names.indexOf(service.name) === index, `${at}.name`, service.name, 'service names must be unique: rename one of them');
    check(DNS_LABEL.test(service.namespace), `${at}.namespace`, service.namespace, 'use a lowercase DNS label');
    for (const secret of service.secrets ?? []) {
      check(
        DNS_LABEL.test(secret),
        `${at}.secrets`,
        secret,
        'name each secret with a lowercase DNS label: it becomes a file name and part of the Secrets Manager name',
      );
    }
    check(
      new Set(service.secrets ?? []).size === (service.secrets ?? []).length,
      `${at}.secrets`,
      service.secrets,
      'list each secret once',
    );
    check(
      Number.isInteger(service.port) && service.port >= 1024 && service.port <= 65535,
      `${at}.port`,
      service.port,
      'use a whole number from 1024 to 65535 (services run as non-root and cannot bind lower ports)',
    );
    for (const scope of service.scopes) {
      check(SCOPE_NAME.test(scope), `${at}.scopes`, scope, 'a scope name cannot contain spaces, quotes or backslashes');
    }
    if (service.adminScope !== undefined) {
      check(
        service.scopes.includes(service.adminScope),
        `${at}.adminScope`,
        service.adminScope,
        `use one of the service's scopes (${service.scopes.join(', ')}), or add it to them`,
      );
      check(
        !routeScopes.has(qualifiedScope(service, service.adminScope)),
        `${at}.adminScope`,
        service.adminScope,
        'use a scope no route requires: routes are for the default app clients, which are not granted the admin scope',
      );
    }
    for (const callee of service.calls) {
      check(names.includes(callee), `${at}.calls`, callee, `call only services in the catalogue (${names.join(', ')})`);
      check(callee !== service.name, `${at}.calls`, callee, 'a service does not need a call edge to itself');
    }
    service.routes.forEach((route, r) => {
      check(
        scopes.has(route.scope),
        `${at}.routes[${r}].scope`,
        route.scope,
        `use a scope defined on a resource server (${[...scopes].join(', ')}), or add it to that service's scopes`,
      );
      check(route.path.startsWith('/'), `${at}.routes[${r}].path`, route.path, 'start the path with /');
      check(
        route.bodySchema === undefined || route.bodySchema in schemas,
        `${at}.routes[${r}].bodySchema`,
        route.bodySchema,
        `use a schema of REQUEST_BODY_SCHEMAS (${Object.keys(schemas).join(', ')}), or add it there (lib/catalogue/body-schemas.ts)`,
      );
    });
    const table = tableName(service);
    if (service.table && table !== undefined) {
      const owner = tables.get(table);
      check(
        owner === undefined,
        `${at}.table.name`,
        table,
        `table name already used by service ${owner}: set a distinct table.name (each service owns its own table)`,
      );
      check(DYNAMODB_TABLE_NAME.test(table), `${at}.table.name`, table, 'use 3 to 200 characters: letters, digits, _ . -');
      tables.set(table, service.name);
      check(
        service.table.operations.length > 0,
        `${at}.table.operations`,
        service.table.operations,
        "list the item operations the service performs, e.g. ['GetItem', 'PutItem'], or remove the table",
      );
      check(
        new Set(service.table.operations).size === service.table.operations.length,
        `${at}.table.operations`,
        service.table.operations,
        'remove the repeated operation',
      );
    }
  });

  if (errors.length > 0) throw new ConfigErrors(errors);
  return catalogue as ValidCatalogue;
}
