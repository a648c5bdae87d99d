import { ServiceCatalogue, ServiceDefinition, spiffeId } from '../catalogue/service-catalogue';

/**
 * The call graph of the catalogue, read in one place: every layer (NetworkPolicies, mesh AuthorizationPolicies,
 * native-mode allowlists) asks these functions who may call whom, so adding an edge to the catalogue opens it
 * everywhere at once and nothing else can open one.
 */

/** Label every workload pod carries; selectors match on it alone because service names are unique. */
export const WORKLOAD_LABEL = 'app.kubernetes.io/name';

/** The label Kubernetes sets on every namespace to its own name (stable since 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A workload identity allowed to call a service. */
export interface Caller {
  readonly namespace: string;
  readonly serviceAccount: string;
  /**
   * Labels of the caller's pods.
   * @default - every pod of the namespace (the ingress: its pods are labelled by whoever installs it)
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** The pod labels of a catalogue service. */
export function workloadLabels(service: ServiceDefinition): Record<string, string> {
  return { [WORKLOAD_LABEL]: service.name };
}

/** A catalogue service as a caller: its pods are labelled by the service chart and run as its service account. */
export function asCaller(service: ServiceDefinition): Caller {
  return { namespace: service.namespace, serviceAccount: service.name, podLabels: workloadLabels(service) };
}

/** Whether the ingress may call the service: it forwards API Gateway traffic to public routes only. */
export function hasPublicRoute(service: ServiceDefinition): boolean {
  return service.routes.some((route) => route.public);
}

/** The services a service may call. */
export function calleesOf(catalogue: ServiceCatalogue, service: ServiceDefinition): ServiceDefinition[] {
  return catalogue.services.filter((callee) => service.calls.includes(callee.name));
}

/** Everyone who may call a service: the catalogue services that list it in `calls`, and the ingress if it is public. */
export function callersOf(catalogue: ServiceCatalogue, service: ServiceDefinition): Caller[] {
  const peers: Caller[] = catalogue.services.filter((caller) => caller.calls.includes(service.name)).map(asCaller);
  return hasPublicRoute(service) ? [...peers, catalogue.ingress] : peers;
}

/** The SPIFFE id of a caller (what native-mode services check in the peer certificate's URI SAN). */
export function callerSpiffeId(catalogue: ServiceCatalogue, caller: Caller): string {
  return spiffeId(catalogue.trustDomain, caller.namespace, caller.serviceAccount);
}

/** The principal Istio matches in an AuthorizationPolicy: the SPIFFE id without its `spiffe://` scheme. */
export function meshPrincipal(catalogue: ServiceCatalogue, caller: Caller): string {
  return callerSpiffeId(catalogue, caller).replace(/^spiffe:\/\//, '');
}

/** The distinct namespaces of the catalogue's services, in catalogue order. */
export function serviceNamespaces(catalogue: ServiceCatalogue): string[] {
  return [...new Set(catalogue.services.map((service) => service.namespace))];
}
