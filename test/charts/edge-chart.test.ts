import { Testing } from 'cdk8s';
import { createPlatformCharts, EDGE_CHART_ID, validateManifests, WORKLOAD_CERT_DIR } from '../../lib/charts';
import {
  RESTRICTED_CONTAINER_CONTEXT,
  chartProps,
  digestImage,
  digestImages,
  Manifest,
  ofKind,
  single,
  TARGET_GROUP_ARN,
  THREE_SERVICE_CATALOGUE,
} from './support/chart-fixture';

const VPC_CIDR = '10.10.0.0/16';
const NAMESPACE = 'platform-ingress';
const EDGE_IMAGE = digestImage('edge');

function nativeCharts(overrides: Parameters<typeof chartProps>[0] = {}) {
  return createPlatformCharts(
    Testing.app(),
    chartProps({
      catalogue: THREE_SERVICE_CATALOGUE,
      mtls: 'native',
      images: { ...digestImages(THREE_SERVICE_CATALOGUE), 'ingress-gateway': EDGE_IMAGE },
      ingressSourceCidrs: [VPC_CIDR],
      ingressTargetGroupArn: TARGET_GROUP_ARN,
      ...overrides,
    }),
  );
}

const charts = nativeCharts();
const edge = Testing.synth(charts.edge!) as Manifest[];
const baseline = Testing.synth(charts.baseline) as Manifest[];
const podSpec = () => single(edge, 'Deployment', 'ingress-gateway', NAMESPACE).spec.template.spec;
const env = () => Object.fromEntries(podSpec().containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));

test('native mode with an edge image runs the edge proxy after the baseline, in the ingress namespace', () => {
  expect(charts.all.map((c) => c.node.id)).toEqual([
    'platform-baseline',
    'service-orders',
    'service-inventory',
    'service-payments',
    EDGE_CHART_ID,
  ]);
  expect(charts.edge!.node.dependencies).toContain(charts.baseline);
  expect(edge.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
    'Deployment/ingress-gateway',
    'HorizontalPodAutoscaler/ingress-gateway',
    'NetworkPolicy/ingress-gateway',
    'PodDisruptionBudget/ingress-gateway',
    'Service/ingress-gateway',
    'ServiceAccount/ingress-gateway',
  ]);
  for (const manifest of edge) expect(manifest.metadata.namespace).toBe(NAMESPACE);
  expect(() => validateManifests(edge)).not.toThrow();
});

test("the edge's pods are load balancer targets: only the ingress namespace gates pod readiness on the target group", () => {
  const gate = (name: string) => single(baseline, 'Namespace', name).metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject'];
  expect(gate(NAMESPACE)).toBe('enabled');
  for (const name of ['shop', 'billing']) expect(gate(name)).toBeUndefined();
});

test('the baseline creates the ingress namespace (restricted, default-deny) before the ingress certificate', () => {
  const kinds = baseline
    .filter((m) => m.metadata.namespace === NAMESPACE || m.metadata.name === NAMESPACE)
    .map((m) => `${m.kind}/${m.metadata.name}`);
  expect(kinds.slice(0, 2)).toEqual([`Namespace/${NAMESPACE}`, 'NetworkPolicy/default-deny']);
  expect(kinds).toContain('Certificate/ingress-gateway-workload-identity');
  expect(single(baseline, 'Namespace', NAMESPACE).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
});

test('restricted pod: non-root, read-only root filesystem, no escalation, drop ALL, no API token', () => {
  expect(podSpec().containers[0].securityContext).toEqual(RESTRICTED_CONTAINER_CONTEXT);
  expect(podSpec().securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(podSpec().automountServiceAccountToken).toBe(false);
  expect(podSpec().serviceAccountName).toBe('ingress-gateway');
  expect(podSpec().containers[0].image).toBe(EDGE_IMAGE);
});

test('mounts the ingress workload certificate and points the edge at the public services over https', () => {
  expect(podSpec().volumes).toContainEqual(
    expect.objectContaining({ secret: expect.objectContaining({ secretName: 'ingress-gateway-workload-identity' }) }),
  );
  expect(podSpec().containers[0].volumeMounts).toContainEqual(expect.objectContaining({ mountPath: WORKLOAD_CERT_DIR, readOnly: true }));
  expect(env()).toMatchObject({
    MTLS_MODE: 'native',
    PORT: '8443',
    TLS_CERT_FILE: `${WORKLOAD_CERT_DIR}/tls.crt`,
    ORDERS_URL: 'https://orders.shop.svc:8443',
    INVENTORY_URL: 'https://inventory.shop.svc:8443',
  });
  expect(env()).not.toHaveProperty('PAYMENTS_URL');
});

test("the Service ingress-gateway listens on 443 (the TargetGroupBinding's port) and forwards to the pods' 8443", () => {
  const service = single(edge, 'Service', 'ingress-gateway', NAMESPACE);
  expect(service.spec.ports).toEqual([{ name: 'app', port: 443, targetPort: 8443 }]);
  expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'ingress-gateway' });
  expect(single(baseline, 'TargetGroupBinding', 'ingress-gateway', NAMESPACE).spec.serviceRef).toEqual({
    name: 'ingress-gateway',
    port: 443,
  });
});

test("NetworkPolicy: 8443 in from the load balancer CIDR only; out only to the public services' ports (DNS from default-deny)", () => {
  const policy = single(edge, 'NetworkPolicy', 'ingress-gateway', NAMESPACE);
  expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'ingress-gateway' } });
  expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  expect(policy.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: VPC_CIDR } }], ports: [{ protocol: 'TCP', port: 8443 }] }]);
  const ns = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
  expect(policy.spec.egress).toEqual(
    ['orders', 'inventory'].map((name) => ({
      to: [{ namespaceSelector: ns('shop'), podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } }],
      ports: [{ protocol: 'TCP', port: 8443 }],
    })),
  );
  expect(single(edge, 'NetworkPolicy', 'ingress-gateway').spec.ingress).not.toContainEqual(
    expect.objectContaining({ from: [{ namespaceSelector: expect.anything() }] }),
  );
});

test('without a source CIDR the edge admits nothing', () => {
  const closed = Testing.synth(nativeCharts({ ingressSourceCidrs: undefined }).edge!) as Manifest[];
  expect(single(closed, 'NetworkPolicy', 'ingress-gateway').spec.ingress).toEqual([]);
});

describe('how the edge faces the load balancer (INGRESS_LISTENER)', () => {
  test('TLS by default: the load balancer re-encrypts to the workload certificate, and no other certificate is rendered', () => {
    expect(env()).toMatchObject({ INGRESS_LISTENER: 'tls', TLS_CERT_FILE: `${WORKLOAD_CERT_DIR}/tls.crt` });
    expect(ofKind(edge, 'Certificate')).toEqual([]);
  });

  test('plain HTTP in the dev fallback without a domain, keeping the workload certificate for mTLS upstream', () => {
    const plain = Testing.synth(nativeCharts({ profile: 'dev', ingressListener: 'plaintext' }).edge!) as Manifest[];
    const container = single(plain, 'Deployment', 'ingress-gateway', NAMESPACE).spec.template.spec.containers[0];
    const variables = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(variables).toMatchObject({ INGRESS_LISTENER: 'plaintext', TLS_CERT_FILE: `${WORKLOAD_CERT_DIR}/tls.crt` });
  });
});

test('without an edge image native mode has no edge and warns; ambient mode rejects an edge image', () => {
  const warn = jest.fn();
  const { edge: none, baseline: plain } = nativeCharts({ images: digestImages(THREE_SERVICE_CATALOGUE), warn });
  expect(none).toBeUndefined();
  expect(ofKind(Testing.synth(plain) as Manifest[], 'Namespace', NAMESPACE)).toEqual([]);
  expect(warn).toHaveBeenCalledWith(
    expect.stringMatching(/^native mTLS without images\.ingress-gateway: no edge proxy serves the load balancer/),
  );
  expect(() =>
    createPlatformCharts(Testing.app(), chartProps({ images: { ...digestImages(chartProps().catalogue), 'ingress-gateway': EDGE_IMAGE } })),
  ).toThrow('images.ingress-gateway');
});

test('prod refuses an edge image pinned by tag', () => {
  expect(() => nativeCharts({ images: { ...digestImages(THREE_SERVICE_CATALOGUE), 'ingress-gateway': 'edge:latest' } })).toThrow(
    'images.ingress-gateway="edge:latest": prod runs only immutable images',
  );
});

test('snapshot', () => {
  expect(edge).toMatchSnapshot();
});
