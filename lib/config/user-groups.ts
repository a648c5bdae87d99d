import { adminScopeOf, ServiceCatalogue, ServiceDefinition } from '../catalogue/service-catalogue';
import { EdgeConfig, UserGroupConfig } from './platform-config';

/** The group of the catalogue's roles that holds the admin scopes. */
export const ADMINS_GROUP = 'admins';

const unique = (values: readonly string[]) => [...new Set(values)];

/** The scopes of a service's public GET routes: what reading it takes. */
function readScopes(service: ServiceDefinition): string[] {
  return unique(service.routes.filter((r) => r.public && r.method === 'GET').map((r) => r.scope));
}

/**
 * The roles the catalogue implies, the default of `edge.userGroups`. The catalogue is the contract of scopes and
 * routes; which people hold which scopes is an organization's choice, so configuration may replace these.
 * Per service with public routes: `<service>-readers` (the scopes of its GET routes) and `<service>-writers` (every
 * public route's scope, plus what reading each peer it calls takes: services call their peers with the caller's token,
 * so placing an order needs `inventory/read`). `admins`: every admin scope, with reading the services they belong to.
 */
export function catalogueUserGroups(catalogue: ServiceCatalogue): UserGroupConfig[] {
  const byName = new Map(catalogue.services.map((s) => [s.name, s]));
  const groups: UserGroupConfig[] = [];
  for (const service of catalogue.services) {
    const routeScopes = unique(service.routes.filter((r) => r.public).map((r) => r.scope));
    if (routeScopes.length === 0) continue;
    const reads = readScopes(service);
    if (reads.length > 0) groups.push({ name: `${service.name}-readers`, scopes: reads });
    const peerReads = service.calls.flatMap((peer) => readScopes(byName.get(peer)!));
    groups.push({ name: `${service.name}-writers`, scopes: unique([...routeScopes, ...peerReads]) });
  }
  const administered = catalogue.services.filter((s) => adminScopeOf(s) !== undefined);
  if (administered.length > 0) {
    groups.push({
      name: ADMINS_GROUP,
      scopes: unique(administered.flatMap((s) => [adminScopeOf(s)!, ...readScopes(s)])),
      admin: true,
    });
  }
  return groups;
}

/** The configured roles of users, or the catalogue's. */
export function userGroupsOf(edge: EdgeConfig, catalogue: ServiceCatalogue): readonly UserGroupConfig[] {
  return edge.userGroups ?? catalogueUserGroups(catalogue);
}
