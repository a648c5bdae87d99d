import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IngressIdentity, ServiceCatalogue, ServiceRoute } from '../catalogue/service-catalogue';
import { IngressCertificateIssuer } from '../config/platform-config';
import { NAMESPACE_NAME_LABEL, WORKLOAD_LABEL, workloadLabels } from './call-graph';
import { platformNamespace } from './namespace';
import { defaultDenyPolicy, HBONE_PORT } from './network-policies';
import { addTypedObject } from './typed-object';
import { CertificateManifest, PLATFORM_CA_ISSUER } from './workload-certificates';

/**
 * Ports of the in-cluster ingress, shared by the load balancer (lib/constructs/private-ingress.ts), the Helm values
 * of the gateway and the charts: the Service listens on 443 (the TargetGroupBinding's port) and forwards to the
 * pods' 8443, where the gateway terminates TLS unprivileged and the load balancer registers pod IPs.
 */
export const INGRESS_PORTS = { service: 443, container: 8443 } as const;

/** istiod's xDS and certificate-signing port: the gateway fetches its configuration and mesh identity there. */
export const ISTIOD_XDS_PORT = 15012;

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
   * Host name API Gateway sends as SNI and Host (`edge.ingressHostname`): the certificate's name and the only host
   * the Gateway and routes accept.
   * @default - the Service's cluster DNS name on the certificate, and any host accepted
   */
  readonly hostname?: string;
  /**
   * Issuer of the certificate the gateway presents (`edge.ingressCertificateIssuer`): API Gateway trusts only public
   * CAs, so this must be a publicly trusted issuer such as an ACME ClusterIssuer.
   * @default - the in-cluster `platform-ca` ClusterIssuer, whose certificate API Gateway rejects
   */
  readonly certificateIssuer?: IngressCertificateIssuer;
}

/** A catalogue path template as an RE2 full-match regex: `{name}` matches one path segment. */
export function routePathRegex(path: string): string {
  return `^${path.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`;
}

/**
 * The mesh ingress behind the private load balancer (ambient mode): its namespace with restricted pod security and
 * ambient membership; default-deny plus a NetworkPolicy admitting only TLS from the load balancer and letting the
 * gateway reach only istiod and the public services; the ingress certificate (from `certificateIssuer`); an Istio Gateway terminating TLS
 * on the pods' port; and one VirtualService routing exactly the catalogue's public routes (method and path), so an
 * internal route of a public service stays unreachable from outside. Istio's `gateway` Helm chart (installed by
 * PlatformComponents) runs the pods and the Service.
 */
export class IngressChart extends Chart {
  constructor(scope: Construct, id: string, props: IngressChartProps) {
    super(scope, id);
    const { catalogue } = props;
    const { namespace } = catalogue.ingress;
    const gatewayName = catalogue.ingress.serviceAccount;
    const hosts = [props.hostname ?? '*'];

    addTypedObject(this, 'namespace', platformNamespace(namespace, 'istio-ambient'));
    addTypedObject(this, 'default-deny', defaultDenyPolicy(namespace, 'istio-ambient'));
    addTypedObject(this, 'gateway-policy', ingressGatewayPolicy(catalogue, props.sourceCidrs ?? []));
    addTypedObject(this, 'certificate', ingressCertificate(catalogue.ingress, props.hostname, props.certificateIssuer));

    const gateway: IGateway = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: gatewayName, namespace },
      spec: {
        selector: ingressGatewayLabels(catalogue.ingress),
        servers: [{
          // The pods' port, not the Service's: Istio listens on the number given (IST0162).
          port: { number: INGRESS_PORTS.container, name: 'https', protocol: 'HTTPS' },
          hosts,
          tls: { mode: 'SIMPLE', credentialName: ingressCertificateSecretName(catalogue.ingress), minProtocolVersion: 'TLSV1_2' },
        }],
      },
    };
    addTypedObject(this, 'gateway', gateway);

    const publicRoutes = catalogue.services.flatMap((service) => service.routes.filter((route) => route.public)
      .map((route) => ({ service, route })));
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
  return `${service}-${route.method.toLowerCase()}-${route.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`;
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
      ingress: sourceCidrs.length > 0
        ? [{ from: sourceCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: INGRESS_PORTS.container }] }]
        : [],
      egress: [
        {
          to: [{ namespaceSelector: inNamespace('istio-system'), podSelector: { matchLabels: { app: 'istiod' } } }],
          ports: [{ protocol: 'TCP', port: ISTIOD_XDS_PORT }],
        },
        ...backends.map((service) => ({
          to: [{ namespaceSelector: inNamespace(service.namespace), podSelector: { matchLabels: workloadLabels(service) } }],
          ports: [{ protocol: 'TCP' as const, port: service.port }, { protocol: 'TCP' as const, port: HBONE_PORT }],
        })),
      ],
    },
  };
}

/** The issuer of the ingress certificate when none is configured: the in-cluster CA, which API Gateway does not trust. */
export const DEFAULT_INGRESS_CERTIFICATE_ISSUER: IngressCertificateIssuer = { kind: 'ClusterIssuer', name: PLATFORM_CA_ISSUER };

/**
 * The certificate the gateway presents to API Gateway: short-lived with a fresh key at each renewal (the gateway
 * reloads it from the secret without a restart), issued by `issuer` (publicly trusted, for API Gateway to accept it).
 */
export function ingressCertificate(identity: IngressIdentity, hostname?: string,
  issuer: IngressCertificateIssuer = DEFAULT_INGRESS_CERTIFICATE_ISSUER): CertificateManifest {
  const secretName = ingressCertificateSecretName(identity);
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: secretName, namespace: identity.namespace },
    spec: {
      secretName,
      issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
      dnsNames: [hostname ?? `${identity.serviceAccount}.${identity.namespace}.svc`],
      duration: '24h',
      renewBefore: '8h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth'],
    },
  };
}
