import { ServiceCatalogue, spiffeId } from '../catalogue/service-catalogue';
import { Manifest, meshAllows, nativeAllows, networkAllows, Workload } from './access-layers';
import { HBONE_PORT } from '../charts/network-policies';
import { allowedCallers } from '../catalogue/caller-policy';

/** The caller name of the API ingress identity in call pairs. */
export const INGRESS = 'ingress';

/** One ordered pair of workloads and whether each enforcement layer lets the first call the second. */
export interface CallPair {
  readonly from: string;
  readonly to: string;
  /** What the catalogue says. */
  readonly allowedByCatalogue: boolean;
  /** The scopes of the callee's routes the caller may call (an access token must also carry one of them). */
  readonly scopes: readonly string[];
  /** Layer name → whether that layer, as rendered, allows the call. */
  readonly layers: Readonly<Record<string, boolean>>;
}

/** The workloads as the rendered manifests declare them (namespace, pod labels, service account), plus the ingress. */
function workloads(catalogue: ServiceCatalogue, manifests: readonly Manifest[]): Map<string, Workload> {
  const principal = (ns: string, sa: string) => `${catalogue.trustDomain}/ns/${ns}/sa/${sa}`;
  const entries = manifests
    .filter((m) => m.kind === 'Deployment')
    .map((d): [string, Workload] => [
      d.metadata.name,
      {
        namespace: d.metadata.namespace!,
        labels: d.spec.template.metadata.labels,
        principal: principal(d.metadata.namespace!, d.spec.template.spec.serviceAccountName),
      },
    ]);
  const { namespace, serviceAccount } = catalogue.ingress;
  // The ingress pods: the edge proxy's, when the charts render it (native mode), else those their Istio Gateway selects.
  const proxy = manifests.find(
    (m) => m.kind === 'Deployment' && m.metadata.namespace === namespace && m.spec.template.spec.serviceAccountName === serviceAccount,
  );
  const gateway = manifests.find((m) => m.kind === 'Gateway' && m.metadata.namespace === namespace);
  const labels: Record<string, string> = proxy?.spec.template.metadata.labels ?? gateway?.spec?.selector ?? {};
  return new Map([...entries, [INGRESS, { namespace, labels, principal: principal(namespace, serviceAccount) }]]);
}

/**
 * Every ordered (caller, service) pair, the ingress included as a caller, with what the catalogue says and what each
 * rendered layer does: NetworkPolicy (the service port, and in ambient mode the HBONE port ztunnel uses), then the
 * mesh AuthorizationPolicies (ambient: rendered manifests contain them) or the native mTLS allowlist the services
 * compile from the catalogue with `allowedCallers` plus the certificate the caller would present.
 */
export function callPairs(catalogue: ServiceCatalogue, manifests: readonly Manifest[]): CallPair[] {
  const byName = workloads(catalogue, manifests);
  const ambient = manifests.some((m) => m.kind === 'AuthorizationPolicy');
  const callers = [...catalogue.services.map((s) => s.name), INGRESS];
  return callers.flatMap((from) =>
    catalogue.services
      .filter((s) => s.name !== from)
      .map((service): CallPair => {
        const source = byName.get(from);
        const destination = byName.get(service.name);
        if (!source || !destination)
          throw new Error(`no Deployment rendered for ${!source ? from : service.name}: render the platform charts first`);
        const callerId =
          from === INGRESS
            ? spiffeId(catalogue.trustDomain, catalogue.ingress.namespace, catalogue.ingress.serviceAccount)
            : spiffeId(catalogue.trustDomain, source.namespace, from);
        const scopes = service.routes
          .filter((route) => allowedCallers(catalogue, service, route).has(callerId))
          .map((route) => route.scope);
        const network =
          networkAllows(manifests, source, destination, service.port) &&
          (!ambient || networkAllows(manifests, source, destination, HBONE_PORT));
        const layers: Record<string, boolean> = ambient
          ? { NetworkPolicy: network, 'mesh AuthorizationPolicy': meshAllows(manifests, source, destination, service.port) }
          : { NetworkPolicy: network, 'native mTLS allowlist': nativeAllows(catalogue, manifests, source, service.name) };
        const allowedByCatalogue =
          from === INGRESS
            ? service.routes.some((r) => r.public)
            : catalogue.services.find((s) => s.name === from)!.calls.includes(service.name);
        return { from, to: service.name, allowedByCatalogue, scopes: [...new Set(scopes)], layers };
      }),
  );
}
