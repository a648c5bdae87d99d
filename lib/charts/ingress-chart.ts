import { INGRESS_CONTAINER_PORT } from '../catalogue/service-contract';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IngressIdentity, ServiceCatalogue, ServiceRoute } from '../catalogue/service-catalogue';
import { NAMESPACE_NAME_LABEL, WORKLOAD_LABEL, workloadLabels } from './call-graph';
import { defaultDenyPolicy, HBONE_PORT } from './network-policies';
import { quarantinePolicies } from './quarantine-policy';
import { addTypedObject } from './typed-object';
import { CertificateManifest, PLATFORM_CA_ISSUER } from './workload-certificates';

/**
 * Ports of the in-cluster ingress, shared by the load balancer (lib/constructs/private-ingress.ts), the Helm values
 * of the gateway and the charts: the Service listens on 443 (the TargetGroupBinding's port) and forwards to the
 * pods' 8443, where the gateway terminates TLS unprivileged and the load balancer registers pod IPs.
 */
export const INGRESS_PORTS = { service: 443, container: INGRESS_CONTAINER_PORT } as const;

/** istiod's xDS and certificate-signing port: the gateway fetches its configuration and mesh identity there. */
export const ISTIOD_XDS_PORT = 15012;

/**
 * How the in-cluster ingress faces the load balancer: `tls`, the load balancer re-encrypts to the pods, which present
 * their `platform-ca` certificate (a load balancer does not verify its targets; API Gateway verifies the load
 * balancer's public ACM certificate); `plaintext`, plain HTTP inside the VPC link, the dev fallback without a domain.
 */
export type IngressListener = 'tls' | 'plaintext';

/** Construct id of the ingress chart (also its manifest file name). */
export const INGRESS_CHART_ID = 'platform-ingress';

/** The labels of the ingress gateway's pods: Istio's gateway chart sets `app.kubernetes.io/name` to the release name. */
export function ingressGatewayLabels(identity: IngressIdentity): Record<string, string> {
  return { [WORKLOAD_LABEL]: identity.serviceAccount };
}

/** The secret cert-manager writes the ingress key pair into; the Gateway reads it by name (`credentialName`). */
export function ingressCertificateSecretName(identity: IngressIdentity): string {
  return `${identity.serviceAccount}-tls`;
}

export interface IngressChartProps {
  /** A validated catalogue: its public routes are routed, its `ingress` identity names namespace and gateway. */
  readonly catalogue: ServiceCatalogue;
  /**
   * Where the load balancer connects from (the VPC CIDR): the only sources admitted to the gateway's TLS port.
   * @default - none: the gateway admits no traffic until a CIDR is given
   */
  readonly sourceCidrs?: readonly string[];
  /**
   * Host name API Gateway sends as Host (`ingress.<edge.domain.domainName>`): the only host the Gateway and routes
   * accept, and the name on the certificate.
   * @default - any host accepted, and the Service's cluster DNS name on the certificate
   */
  readonly hostname?: string;
  /** @default 'tls' - the load balancer re-encrypts; `plaintext` only for the dev fallback without a domain */
  readonly listener?: IngressListener;
}

/** A catalogue path template as an RE2 full-match regex: `{name}` matches one path segment. */
export function routePathRegex(path: string): string {
  return `^${path
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+')}$`;
}

/**
 * The mesh ingress behind the private load balancer (ambient mode), in the namespace the Cluster stack creates with
 * restricted pod security and ambient membership (IngressGateway): default-deny plus a NetworkPolicy admitting only TLS from the load balancer and letting the
 * gateway reach only istiod and the public services; the ingress certificate from `platform-ca`; an Istio Gateway
 * terminating TLS (plain HTTP with `listener: 'plaintext'`) on the pods' port; and one VirtualService routing exactly the catalogue's public routes (method and path), so an
 * internal route of a public service stays unreachable from outside. Istio's `gateway` Helm chart (installed by
 * IstioAmbientMesh) runs the pods and the Service.
 */
export class IngressChart extends Chart {
  constructor(scope: Construct, id: string, props: IngressChartProps) {
    super(scope, id);
    const { catalogue } = props;
    const { namespace } = catalogue.ingress;
    const gatewayName = catalogue.ingress.serviceAccount;
    const hosts = [props.hostname ?? '*'];

    // The namespace itself is the Cluster stack's (IngressGateway creates it before the gateway chart installs into it).
    addTypedObject(this, 'default-deny', defaultDenyPolicy(namespace, 'istio-ambient'));
    for (const policy of quarantinePolicies(namespace, 'istio-ambient')) addTypedObject(this, `quarantine-${policy.kind}`, policy);
    addTypedObject(this, 'gateway-policy', ingressGatewayPolicy(catalogue, props.sourceCidrs ?? []));
    const tls = (props.listener ?? 'tls') === 'tls';
    if (tls) addTypedObject(this, 'certificate', ingressCertificate(catalogue.ingress, props.hostname));

    const gateway: IGateway = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: gatewayName, namespace },
      spec: {
        selector: ingressGatewayLabels(catalogue.ingress),
        // The pods' port, not the Service's: Istio listens on the number given (IST0162).
        servers: [
          tls
            ? {
                port: { number: INGRESS_PORTS.container, name: 'https', protocol: 'HTTPS' },
                // Any SNI: a named host here becomes an SNI match on Envoy's filter chain, and the NLB re-encrypting
                // to its TLS targets sends none (istio/istio#31421, #22795), so every connection would be closed.
                // The VirtualService below still routes only requests for the host name.
                hosts: ['*'],
                tls: { mode: 'SIMPLE', credentialName: ingressCertificateSecretName(catalogue.ingress), minProtocolVersion: 'TLSV1_2' },
              }
            : { port: { number: INGRESS_PORTS.container, name: 'http', protocol: 'HTTP' }, hosts },
        ],
      },
    };
    addTypedObject(this, 'gateway', gateway);

    const publicRoutes = catalogue.services.flatMap((service) =>
      service.routes.filter((route) => route.public).map((route) => ({ service, route })),
    );
    const routes: IVirtualService = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: gatewayName, namespace },
      spec: {
        hosts,
        gateways: [gatewayName],
        // Anything not matched gets Istio's 404: no catch-all route.
        http: publicRoutes.map(({ service, route }) => ({
          name: routeName(service.name, route),
          match: [{ method: { exact: route.method }, uri: { regex: routePathRegex(route.path) } }],
          route: [{ destination: { host: `${service.name}.${service.namespace}.svc.cluster.local`, port: { number: service.port } } }],
        })),
      },
    };
    addTypedObject(this, 'routes', routes);
  }
}

function routeName(service: string, route: ServiceRoute): string {
  return `${service}-${route.method.toLowerCase()}-${route.path
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()}`;
}

/**
 * The gateway pods' own policy (the namespace's default-deny adds DNS): TLS in from the load balancer only;
 * out to istiod for configuration and identity, and to the pods of services with public routes on their port and,
 * because ambient tunnels every meshed connection, on HBONE.
 */
export function ingressGatewayPolicy(catalogue: ServiceCatalogue, sourceCidrs: readonly string[]): INetworkPolicy {
  const inNamespace = (name: string) => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: name } });
  const backends = catalogue.services.filter((service) => service.routes.some((route) => route.public));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: catalogue.ingress.serviceAccount, namespace: catalogue.ingress.namespace },
    spec: {
      podSelector: { matchLabels: ingressGatewayLabels(catalogue.ingress) },
      policyTypes: ['Ingress', 'Egress'],
      ingress:
        sourceCidrs.length > 0
          ? [{ from: sourceCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: INGRESS_PORTS.container }] }]
          : [],
      egress: [
        {
          to: [{ namespaceSelector: inNamespace('istio-system'), podSelector: { matchLabels: { app: 'istiod' } } }],
          ports: [{ protocol: 'TCP', port: ISTIOD_XDS_PORT }],
        },
        ...backends.map((service) => ({
          to: [{ namespaceSelector: inNamespace(service.namespace), podSelector: { matchLabels: workloadLabels(service) } }],
          ports: [
            { protocol: 'TCP' as const, port: service.port },
            { protocol: 'TCP' as const, port: HBONE_PORT },
          ],
        })),
      ],
    },
  };
}

/**
 * The certificate the gateway presents to the load balancer: short-lived with a fresh key at each renewal (the gateway
 * reloads it from the secret without a restart), from the in-cluster `platform-ca`.
 */
export function ingressCertificate(identity: IngressIdentity, hostname?: string): CertificateManifest {
  const secretName = ingressCertificateSecretName(identity);
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: secretName, namespace: identity.namespace },
    spec: {
      secretName,
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM_CA_ISSUER },
      dnsNames: [hostname ?? `${identity.serviceAccount}.${identity.namespace}.svc`],
      duration: '24h',
      renewBefore: '8h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth'],
    },
  };
}
