import { Testing } from 'cdk8s';
import { ServiceCatalogue } from '../../lib/catalogue/service-catalogue';
import { createPlatformCharts, INGRESS_PORTS, PLATFORM_CA_ISSUER, validateManifests } from '../../lib/charts';
import { routePathRegex } from '../../lib/charts/ingress-chart';
import { chartProps, Manifest, ofKind, single, THREE_SERVICE_CATALOGUE } from './support/chart-fixture';

const VPC_CIDR = '10.10.0.0/16';
const HOSTNAME = 'ingress.internal.example.com';

/** The three-service catalogue where `orders` also has an internal-only route under its public prefix. */
const CATALOGUE: ServiceCatalogue = {
  ...THREE_SERVICE_CATALOGUE,
  services: THREE_SERVICE_CATALOGUE.services.map((s) =>
    s.name === 'orders'
      ? { ...s, routes: [...s.routes, { method: 'GET' as const, path: '/orders/{orderId}/audit', scope: 'orders/read', public: false }] }
      : s,
  ),
};

function synthIngress(overrides: Parameters<typeof chartProps>[0] = {}): Manifest[] {
  const charts = createPlatformCharts(
    Testing.app(),
    chartProps({ catalogue: CATALOGUE, ingressSourceCidrs: [VPC_CIDR], ingressHostname: HOSTNAME, ...overrides }),
  );
  return Testing.synth(charts.ingress!) as Manifest[];
}

const manifests = synthIngress();
const NAMESPACE = 'platform-ingress';

/** Whether the VirtualService sends `method path` to a destination host, and to which. */
function routedTo(method: string, path: string): string | undefined {
  const routes = single(manifests, 'VirtualService', 'ingress-gateway', NAMESPACE).spec.http as any[];
  const hit = routes.find((r) => r.match.some((m: any) => m.method.exact === method && new RegExp(m.uri.regex).test(path)));
  return hit?.route[0].destination.host;
}

describe('namespace', () => {
  // The Cluster stack creates it, labelled, before the gateway chart (test/cluster/cluster-stack.test.ts): a second
  // Namespace object here would fail the Workloads stack with AlreadyExists.
  test('the chart creates no namespace: it adds its objects to the one the Cluster stack creates', () => {
    expect(ofKind(manifests, 'Namespace')).toEqual([]);
    expect(new Set(manifests.map((m) => m.metadata.namespace))).toEqual(new Set([NAMESPACE]));
  });
});

describe('TLS on the gateway', () => {
  test("the Gateway terminates TLS (SIMPLE, TLS 1.2+) on the pods' port 8443 with the platform-CA certificate for the host name", () => {
    const gateway = single(manifests, 'Gateway', 'ingress-gateway', NAMESPACE);
    expect(gateway.spec.selector).toEqual({ 'app.kubernetes.io/name': 'ingress-gateway' });
    expect(gateway.spec.servers).toHaveLength(1);
    const [server] = gateway.spec.servers;
    expect(server.port).toEqual({ number: INGRESS_PORTS.container, name: 'https', protocol: 'HTTPS' });
    expect(INGRESS_PORTS.container).toBe(8443);
    // Any SNI on the TLS server: the NLB re-encrypting to its targets sends none, and a named host would be an SNI
    // match closing every connection; the VirtualService routes only the host name (below).
    expect(server.hosts).toEqual(['*']);
    const certificate = single(manifests, 'Certificate', 'ingress-gateway-tls', NAMESPACE);
    expect(server.tls).toEqual({ mode: 'SIMPLE', credentialName: certificate.spec.secretName, minProtocolVersion: 'TLSV1_2' });
    expect(certificate.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM_CA_ISSUER });
    expect(certificate.spec.dnsNames).toEqual([HOSTNAME]);
    expect(certificate.spec.privateKey).toMatchObject({ rotationPolicy: 'Always' });
  });

  test('without a host name, the certificate names the Service and any host is accepted', () => {
    const unnamed = synthIngress({ ingressHostname: undefined });
    expect(single(unnamed, 'Certificate', 'ingress-gateway-tls').spec.dnsNames).toEqual(['ingress-gateway.platform-ingress.svc']);
    expect(single(unnamed, 'Gateway', 'ingress-gateway').spec.servers[0].hosts).toEqual(['*']);
  });
});

describe('plain-HTTP listener (dev fallback without a domain)', () => {
  const plain = synthIngress({ ingressListener: 'plaintext', profile: 'dev' });

  test('the Gateway serves HTTP on the same port and host, and no certificate is issued', () => {
    const [server, ...others] = single(plain, 'Gateway', 'ingress-gateway', NAMESPACE).spec.servers;
    expect(others).toEqual([]);
    expect(server).toEqual({ port: { number: INGRESS_PORTS.container, name: 'http', protocol: 'HTTP' }, hosts: [HOSTNAME] });
    expect(ofKind(plain, 'Certificate')).toEqual([]);
  });

  test('the routes and the load-balancer-only NetworkPolicy are those of the TLS listener', () => {
    for (const kind of ['VirtualService', 'NetworkPolicy']) expect(ofKind(plain, kind)).toEqual(ofKind(manifests, kind));
  });

  test('prod refuses it', () => {
    expect(() => synthIngress({ ingressListener: 'plaintext' })).toThrow(
      'ingressListener="plaintext": prod serves the ingress over TLS only',
    );
  });
});

describe('routes', () => {
  test('every public catalogue route is routed to its service and port, on the gateway and host', () => {
    const service = single(manifests, 'VirtualService', 'ingress-gateway', NAMESPACE);
    expect(service.spec.gateways).toEqual(['ingress-gateway']);
    expect(service.spec.hosts).toEqual([HOSTNAME]);
    for (const s of CATALOGUE.services) {
      for (const route of s.routes.filter((r) => r.public)) {
        expect(routedTo(route.method, route.path.replace(/\{\w+\}/g, 'x-1'))).toBe(`${s.name}.${s.namespace}.svc.cluster.local`);
      }
    }
    for (const rule of service.spec.http) expect(rule.route).toHaveLength(1);
    const ports = service.spec.http.map((r: any) => r.route[0].destination.port.number);
    expect(new Set(ports)).toEqual(new Set([8443]));
  });

  test('no internal-only route is routed: not by method, not under a public path, not of a private service', () => {
    expect(routedTo('GET', '/orders/o-1/audit')).toBeUndefined();
    expect(routedTo('POST', '/payments')).toBeUndefined();
    expect(routedTo('DELETE', '/orders/o-1')).toBeUndefined();
    expect(routedTo('GET', '/orders/o-1/')).toBeUndefined();
    const hosts = single(manifests, 'VirtualService', 'ingress-gateway').spec.http.map((r: any) => r.route[0].destination.host);
    expect(hosts).not.toContain('payments.billing.svc.cluster.local');
  });

  test('path templates become full-match regexes of one segment per parameter', () => {
    expect(routePathRegex('/orders/{orderId}')).toBe('^/orders/[^/]+$');
    expect(routePathRegex('/a.b/{x}/c')).toBe('^/a\\.b/[^/]+/c$');
  });
});

describe('NetworkPolicy', () => {
  const policy = single(manifests, 'NetworkPolicy', 'ingress-gateway', NAMESPACE);

  test('the namespace is default-deny (DNS out only)', () => {
    const deny = single(manifests, 'NetworkPolicy', 'default-deny', NAMESPACE);
    expect(deny.spec.podSelector).toEqual({
      matchExpressions: [{ key: 'platform.internal/quarantine', operator: 'NotIn', values: ['true'] }],
    });
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(single(manifests, 'NetworkPolicy', 'quarantine', NAMESPACE).spec).toMatchObject({
      podSelector: { matchLabels: { 'platform.internal/quarantine': 'true' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [],
    });
  });

  test("admits only TLS on 8443 from the load balancer's CIDR", () => {
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'ingress-gateway' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: VPC_CIDR } }], ports: [{ protocol: 'TCP', port: 8443 }] }]);
  });

  test('without a source CIDR nothing is admitted', () => {
    expect(single(synthIngress({ ingressSourceCidrs: undefined }), 'NetworkPolicy', 'ingress-gateway').spec.ingress).toEqual([]);
  });

  test('lets the gateway reach only istiod (xDS) and the pods of public services on their port and HBONE', () => {
    const ns = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
    expect(policy.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: ns('istio-system'), podSelector: { matchLabels: { app: 'istiod' } } }],
        ports: [{ protocol: 'TCP', port: 15012 }],
      },
      ...['orders', 'inventory'].map((name) => ({
        to: [{ namespaceSelector: ns('shop'), podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } }],
        ports: [
          { protocol: 'TCP', port: 8443 },
          { protocol: 'TCP', port: 15008 },
        ],
      })),
    ]);
  });
});

test('every manifest validates against the pinned schemas', () => {
  expect(() => validateManifests(manifests)).not.toThrow();
});

test('the chart holds exactly these objects', () => {
  expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
    'NetworkPolicy/default-deny',
    'NetworkPolicy/quarantine',
    'AuthorizationPolicy/quarantine',
    'NetworkPolicy/ingress-gateway',
    'Certificate/ingress-gateway-tls',
    'Gateway/ingress-gateway',
    'VirtualService/ingress-gateway',
  ]);
  expect(ofKind(manifests, 'Service')).toEqual([]); // the Helm chart owns the Service
});

test('snapshot', () => {
  expect(manifests).toMatchSnapshot();
});
