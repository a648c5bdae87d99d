import { SERVICE_CATALOGUE, ServiceDefinition } from '../../../lib/catalogue/service-catalogue';

/** The catalogue entry of the service being built; a missing entry is a build mistake, not a runtime condition. */
export function catalogueEntry(name: string): ServiceDefinition {
  const service = SERVICE_CATALOGUE.services.find((s) => s.name === name);
  if (!service) throw new Error(`service ${name} is not in lib/catalogue/service-catalogue.ts; add it there`);
  return service;
}
