import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { PLATFORM_CA_ISSUER } from '../../lib/charts';
import { chartProps, ofKind, single, synthPlatform, TARGET_GROUP_ARN, THREE_SERVICE_CATALOGUE } from './support/chart-fixture';

const ambient = synthPlatform(chartProps({ catalogue: THREE_SERVICE_CATALOGUE, mtls: 'istio-ambient' })).baseline;
const native = synthPlatform(chartProps({ catalogue: THREE_SERVICE_CATALOGUE, mtls: 'native' })).baseline;
const NAMESPACES = ['shop', 'billing'];

describe('namespaces', () => {
  test('one per service group, nothing else', () => {
    expect(ofKind(ambient, 'Namespace').map((n) => n.metadata.name)).toEqual(NAMESPACES);
  });

  test.each(NAMESPACES)('%s enforces, audits and warns Pod Security restricted, enforcement pinned to 1.35', (name) => {
    for (const manifests of [ambient, native]) {
      expect(single(manifests, 'Namespace', name).metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.35',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
    }
  });

  test('ambient mesh membership only in ambient mode', () => {
    expect(single(ambient, 'Namespace', 'shop').metadata.labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(single(native, 'Namespace', 'shop').metadata.labels['istio.io/dataplane-mode']).toBeUndefined();
  });
});

describe('default-deny NetworkPolicy per namespace', () => {
  test.each(NAMESPACES)('%s: every pod isolated both ways, DNS to kube-dns only', (namespace) => {
    const policy = single(native, 'NetworkPolicy', 'default-deny', namespace);
    // Every pod but the quarantined, which the quarantine policy isolates without DNS: together they select every pod.
    expect(policy.spec.podSelector).toEqual({
      matchExpressions: [{ key: 'platform.internal/quarantine', operator: 'NotIn', values: ['true'] }],
    });
    expect(single(native, 'NetworkPolicy', 'quarantine', namespace).spec).toMatchObject({
      podSelector: { matchLabels: { 'platform.internal/quarantine': 'true' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [],
    });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });

  test('ambient mode admits only the kubelet probes ztunnel sends from 169.254.7.127 (HBONE is opened per edge)', () => {
    const policy = single(ambient, 'NetworkPolicy', 'default-deny', 'shop');
    expect(policy.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] }]);
  });
});

describe('resource budget', () => {
  test('ResourceQuota sized for every service at max replicas plus a surge pod; no LoadBalancer or NodePort', () => {
    // shop: 2 services × (9 + 1) pods; prod defaults 100m/500m CPU, 128/256 MiB.
    expect(single(ambient, 'ResourceQuota', 'workload-budget', 'shop').spec.hard).toEqual({
      pods: '20',
      'requests.cpu': '2000m',
      'limits.cpu': '10000m',
      'requests.memory': '2560Mi',
      'limits.memory': '5120Mi',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    expect(single(ambient, 'ResourceQuota', 'workload-budget', 'billing').spec.hard.pods).toBe('10');
  });

  test('LimitRange defaults and caps containers at the service settings', () => {
    expect(single(ambient, 'LimitRange', 'container-limits', 'shop').spec.limits).toEqual([
      {
        type: 'Container',
        default: { cpu: '500m', memory: '256Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
        max: { cpu: '500m', memory: '256Mi' },
      },
    ]);
  });
});

describe('ambient mode: mesh authorization', () => {
  test.each(NAMESPACES)('%s has a namespace-wide allow-nothing policy (deny all)', (namespace) => {
    expect(single(ambient, 'AuthorizationPolicy', 'deny-all', namespace).spec).toEqual({});
  });

  test('one ALLOW policy per call edge, by principal (no spiffe:// prefix) and port', () => {
    const edges = ofKind(ambient, 'AuthorizationPolicy').filter((p) => !['deny-all', 'quarantine'].includes(p.metadata.name));
    expect(edges.map((p) => p.metadata.name).sort()).toEqual([
      'allow-platform-ingress-ingress-gateway-to-inventory',
      'allow-platform-ingress-ingress-gateway-to-orders',
      'allow-shop-orders-to-inventory',
      'allow-shop-orders-to-payments',
    ]);
    expect(single(ambient, 'AuthorizationPolicy', 'allow-shop-orders-to-payments').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'payments' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/orders'] } }], to: [{ operation: { ports: ['9443'] } }] }],
    });
    expect(single(ambient, 'AuthorizationPolicy', 'allow-shop-orders-to-payments').metadata.namespace).toBe('billing');
  });

  test('no certificates', () => {
    expect(ofKind(ambient, 'Certificate')).toEqual([]);
  });
});

describe('native mode: workload certificates', () => {
  test('one per service and one for the ingress; no AuthorizationPolicies', () => {
    expect(ofKind(native, 'Certificate').map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual([
      'shop/orders-workload-identity',
      'shop/inventory-workload-identity',
      'billing/payments-workload-identity',
      'platform-ingress/ingress-gateway-workload-identity',
    ]);
    expect(ofKind(native, 'AuthorizationPolicy')).toEqual([]);
  });

  test('URI SAN is the SPIFFE id the services check; short-lived, rotated key, issued by the platform CA', () => {
    expect(single(native, 'Certificate', 'payments-workload-identity').spec).toEqual({
      secretName: 'payments-workload-identity',
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM_CA_ISSUER },
      uris: ['spiffe://cluster.local/ns/billing/sa/payments'],
      dnsNames: ['payments.billing.svc'],
      duration: '24h',
      renewBefore: '8h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth', 'client auth'],
    });
  });
});

describe('TargetGroupBinding', () => {
  test('binds the ingress Service to the target group, by pod IP', () => {
    const baseline = synthPlatform(chartProps({ ingressTargetGroupArn: TARGET_GROUP_ARN, ingressServicePort: 8443 })).baseline;
    expect(single(baseline, 'TargetGroupBinding', 'ingress-gateway', 'platform-ingress')).toMatchObject({
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      spec: { targetGroupARN: TARGET_GROUP_ARN, targetType: 'ip', serviceRef: { name: 'ingress-gateway', port: 8443 } },
    });
  });

  // Adding a domain replaces the target group (TCP becomes TLS), and the load balancer controller's webhook refuses a
  // binding whose spec.targetGroupARN changes: a binding named after the listener is replaced (the old one pruned)
  // instead of updated, so the Workloads update is not refused and rolled back onto a deleted target group.
  test('the binding is named after the listener, so a new target group gets a new binding instead of a refused update', () => {
    const names = (['tls', 'plaintext'] as const).map((ingressListener) =>
      ofKind(
        synthPlatform(chartProps({ ingressTargetGroupArn: TARGET_GROUP_ARN, ingressListener, profile: 'dev' })).baseline,
        'TargetGroupBinding',
      ).map((binding) => binding.metadata.name),
    );
    // TLS keeps the name bindings always had: the controller also refuses a second binding of the same target group,
    // so renaming prod's binding would be refused.
    expect(names).toEqual([['ingress-gateway'], ['ingress-gateway-plaintext']]);
  });

  test('absent without a target group', () => {
    expect(ofKind(ambient, 'TargetGroupBinding')).toEqual([]);
  });
});

test.each(['istio-ambient', 'native'] as const)('snapshot (%s)', (mtls) => {
  expect(
    synthPlatform(chartProps({ catalogue: REFERENCE_CATALOGUE, mtls, ingressTargetGroupArn: TARGET_GROUP_ARN })).baseline,
  ).toMatchSnapshot();
});
