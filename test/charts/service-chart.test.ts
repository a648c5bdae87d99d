import { SERVICE_SECRETS_DIR } from '../../lib/catalogue/service-contract';
import { RECEIPT_SIGNING_KEY_SECRET } from '../../lib/catalogue/service-catalogue';
import { schemaProblems } from '../../lib/charts/manifest-schemas';
import { Testing } from 'cdk8s';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { ConfigErrors } from '../../lib/catalogue/config-error';
import { POD_IDENTITY_ROLE_ANNOTATION, ServiceChart, ServiceChartProps, WORKLOAD_CERT_DIR } from '../../lib/charts';
import {
  RESTRICTED_CONTAINER_CONTEXT,
  ACCOUNT,
  chartProps,
  digestImage,
  Manifest,
  ofKind,
  single,
  synthPlatform,
  THREE_SERVICE_CATALOGUE,
} from './support/chart-fixture';

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/prod-orders`;
const ambient = synthPlatform(chartProps({ catalogue: THREE_SERVICE_CATALOGUE, roleArns: { orders: ROLE_ARN } })).services;
const native = synthPlatform(chartProps({ catalogue: THREE_SERVICE_CATALOGUE, mtls: 'native' })).services;
const LABELS = { 'app.kubernetes.io/name': 'orders' };

const podSpec = (manifests: Manifest[]) => ofKind(manifests, 'Deployment')[0].spec.template.spec;
const container = (manifests: Manifest[]) => podSpec(manifests).containers[0];
const env = (manifests: Manifest[]) =>
  Object.fromEntries(container(manifests).env.map((e: { name: string; value: string }) => [e.name, e.value]));

describe('Deployment', () => {
  test('runs the image by digest as the service account, selected by the service label', () => {
    const deployment = single(ambient.orders, 'Deployment', 'orders', 'shop');
    expect(deployment.spec.selector).toEqual({ matchLabels: LABELS });
    expect(deployment.spec.template.metadata.labels).toMatchObject(LABELS);
    expect(container(ambient.orders).image).toBe(digestImage('orders'));
    expect(podSpec(ambient.orders).serviceAccountName).toBe('orders');
    expect(podSpec(ambient.orders).automountServiceAccountToken).toBe(false);
  });

  test('container security context: non-root, read-only root filesystem, no escalation, drop ALL', () => {
    expect(container(ambient.orders).securityContext).toEqual(RESTRICTED_CONTAINER_CONTEXT);
  });

  test('pod security context: non-root and seccomp RuntimeDefault', () => {
    expect(podSpec(ambient.orders).securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('requests and limits', () => {
    expect(container(ambient.orders).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
  });

  test('liveness on /healthz and readiness on /readyz, on the plain-HTTP health port in both modes', () => {
    for (const manifests of [ambient.orders, native.orders]) {
      expect(container(manifests).livenessProbe.httpGet).toEqual({ path: '/healthz', port: 9090, scheme: 'HTTP' });
      expect(container(manifests).readinessProbe.httpGet).toEqual({ path: '/readyz', port: 9090, scheme: 'HTTP' });
    }
    expect(container(ambient.orders).ports).toEqual([
      { name: 'app', containerPort: 8443 },
      { name: 'health', containerPort: 9090 },
    ]);
  });

  test('spread evenly across zones', () => {
    expect(podSpec(ambient.orders).topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: LABELS },
      },
    ]);
  });

  test('a writable /tmp only, since the root filesystem is read-only', () => {
    // orders' other mount is its secrets, read-only (see 'catalogue secrets: …').
    expect(container(ambient.orders).volumeMounts).toEqual([
      { mountPath: '/tmp', name: 'tmp' },
      { mountPath: SERVICE_SECRETS_DIR, name: 'secrets', readOnly: true },
    ]);
    expect(podSpec(ambient.orders).volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      {
        name: 'secrets',
        csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'orders-secrets' } },
      },
    ]);
  });

  test('ambient mode: the mesh does mTLS; one plain-HTTP URL per callee, from the catalogue', () => {
    expect(env(ambient.orders)).toEqual({
      MTLS_MODE: 'istio-ambient',
      PORT: '8443',
      HEALTH_PORT: '9090',
      SHUTDOWN_GRACE_MS: '20000',
      SECRETS_DIR: SERVICE_SECRETS_DIR,
      INVENTORY_URL: 'http://inventory.shop.svc:8443',
      PAYMENTS_URL: 'http://payments.billing.svc:9443',
    });
  });

  test('native mode: certificate secret mounted read-only, its files in env, https callee URLs', () => {
    expect(env(native.orders)).toEqual({
      MTLS_MODE: 'native',
      PORT: '8443',
      HEALTH_PORT: '9090',
      SHUTDOWN_GRACE_MS: '20000',
      SECRETS_DIR: SERVICE_SECRETS_DIR,
      TLS_CERT_FILE: `${WORKLOAD_CERT_DIR}/tls.crt`,
      TLS_KEY_FILE: `${WORKLOAD_CERT_DIR}/tls.key`,
      TLS_CA_FILE: `${WORKLOAD_CERT_DIR}/ca.crt`,
      INVENTORY_URL: 'https://inventory.shop.svc:8443',
      PAYMENTS_URL: 'https://payments.billing.svc:9443',
    });
    expect(container(native.orders).volumeMounts).toContainEqual({
      mountPath: WORKLOAD_CERT_DIR,
      name: 'workload-identity',
      readOnly: true,
    });
    expect(podSpec(native.orders).volumes).toContainEqual({
      name: 'workload-identity',
      secret: { secretName: 'orders-workload-identity', defaultMode: 0o440 },
    });
  });

  test('extra environment (table name, Cognito) per service', () => {
    const services = synthPlatform(chartProps({ environment: { inventory: { TABLE_NAME: 'prod-inventory' } } })).services;
    expect(env(services.inventory).TABLE_NAME).toBe('prod-inventory');
    expect(env(services.orders).TABLE_NAME).toBeUndefined();
  });
});

describe('ServiceAccount', () => {
  test('no token automount; the Pod Identity role is visible as an annotation', () => {
    const account = single(ambient.orders, 'ServiceAccount', 'orders', 'shop');
    expect(account.automountServiceAccountToken).toBe(false);
    expect(account.metadata.annotations).toEqual({ [POD_IDENTITY_ROLE_ANNOTATION]: ROLE_ARN });
    expect(single(ambient.inventory, 'ServiceAccount', 'inventory').metadata.annotations).toBeUndefined();
  });
});

describe('availability and scaling', () => {
  test('HorizontalPodAutoscaler on CPU between the profile replica bounds', () => {
    expect(single(ambient.orders, 'HorizontalPodAutoscaler', 'orders').spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 9,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
  });

  // Written out, so a change of pace is a deliberate edit here too.
  test('the autoscaler scales up at once and down only after five minutes, by at most half a minute', () => {
    expect(single(ambient.orders, 'HorizontalPodAutoscaler', 'orders').spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 30 },
          { type: 'Percent', value: 100, periodSeconds: 30 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
    });
  });

  test('PodDisruptionBudget: at most one pod voluntarily down', () => {
    expect(single(ambient.orders, 'PodDisruptionBudget', 'orders', 'shop').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: LABELS },
    });
  });
});

test('Service: ClusterIP on the service port, selecting the service label', () => {
  expect(single(ambient.orders, 'Service', 'orders', 'shop').spec).toMatchObject({
    type: 'ClusterIP',
    selector: LABELS,
    ports: [{ name: 'app', port: 8443, targetPort: 8443 }],
  });
});

describe('NetworkPolicy: exactly the catalogue edges', () => {
  const spec = (service: string) => single(ambient[service], 'NetworkPolicy', service).spec;
  const peer = (namespace: string, name?: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    ...(name ? { podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } } : {}),
  });
  const edgePorts = (port: number) => [
    { protocol: 'TCP', port },
    { protocol: 'TCP', port: 15008 },
  ];

  test('inventory: in from orders and the ingress (service port and HBONE); out only to AWS APIs', () => {
    expect(spec('inventory').podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'inventory' } });
    expect(spec('inventory').ingress).toEqual([{ from: [peer('shop', 'orders'), peer('platform-ingress')], ports: edgePorts(8443) }]);
    expect(spec('inventory').egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
  });

  test('orders: out to inventory and payments on their ports', () => {
    expect(spec('orders').egress.slice(0, 2)).toEqual([
      { to: [peer('shop', 'inventory')], ports: edgePorts(8443) },
      { to: [peer('billing', 'payments')], ports: edgePorts(9443) },
    ]);
  });

  test('payments (private, no AWS data): in from orders only, no egress at all', () => {
    expect(spec('payments').ingress).toEqual([{ from: [peer('shop', 'orders')], ports: edgePorts(9443) }]);
    expect(spec('payments').egress).toEqual([]);
  });

  test('native mode: no HBONE port', () => {
    expect(single(native.payments, 'NetworkPolicy', 'payments').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9443 }]);
  });

  test('AWS API CIDRs can be narrowed', () => {
    const narrowed = synthPlatform(chartProps({ awsApiCidrs: ['10.20.0.0/16'] })).services.orders;
    expect(single(narrowed, 'NetworkPolicy', 'orders').spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '10.20.0.0/16' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
  });
});

describe('bad input: the error names the field and the fix, and no chart is built', () => {
  const props = (overrides: Partial<ServiceChartProps>): ServiceChartProps => ({
    catalogue: REFERENCE_CATALOGUE,
    serviceName: 'orders',
    profile: 'prod',
    mtls: 'istio-ambient',
    image: digestImage('orders'),
    ...overrides,
  });
  const errorOf = (overrides: Partial<ServiceChartProps>) => {
    const app = Testing.app();
    try {
      new ServiceChart(app, 'orders', props(overrides));
    } catch (error) {
      expect(app.charts).toEqual([]);
      return error as ConfigErrors;
    }
    throw new Error('expected a ConfigErrors');
  };

  test('an image tag in prod', () => {
    expect(errorOf({ image: 'orders:1.2.3' }).message).toBe(
      'invalid config images.orders="orders:1.2.3": prod runs only immutable images: reference the image by digest, ' +
        'as <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64 hex digits>',
    );
  });

  test('a service with no probes', () => {
    const { errors } = errorOf({ livenessProbePath: '', readinessProbePath: 'readyz' });
    expect(errors.map((e) => e.field)).toEqual(['livenessProbePath', 'readinessProbePath']);
    expect(errors[0].fix).toMatch(/needs a liveness probe: give an HTTP path starting with \/ \(e\.g\. \/healthz\)/);
  });

  test('a service not in the catalogue', () => {
    expect(errorOf({ serviceName: 'payments' }).errors[0]).toMatchObject({
      field: 'serviceName',
      fix: 'use a service of the catalogue (orders, inventory)',
    });
  });

  test('an extra variable that would override the chart', () => {
    expect(errorOf({ environment: { INVENTORY_URL: 'http://elsewhere:80', TABLE_NAME: 't' } }).errors.map((e) => [e.field, e.fix])).toEqual(
      [['environment.orders.INVENTORY_URL', 'the chart sets this variable from the catalogue and the mTLS mode: remove it']],
    );
  });

  test('replica and resource bounds', () => {
    expect(
      errorOf({ minReplicas: 0, maxReplicas: 2, cpuRequestMillis: 900, memoryLimitMebibytes: 64, awsApiCidrs: ['10.0.0.0/33'] }).errors.map(
        (e) => e.field,
      ),
    ).toEqual(['minReplicas', 'cpuLimitMillis', 'memoryLimitMebibytes', 'awsApiCidrs']);
  });

  test('a tag is accepted in dev with a visible warning', () => {
    const warn = jest.fn();
    new ServiceChart(Testing.app(), 'orders', props({ profile: 'dev', image: 'orders:latest', warn }));
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^images\.orders=orders:latest is not pinned by digest; acceptable in dev only/),
    );
  });
});

test('dev defaults: one replica, autoscaling up to three', () => {
  const dev = synthPlatform(chartProps({ profile: 'dev' })).services.orders;
  expect(single(dev, 'HorizontalPodAutoscaler', 'orders').spec).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
  expect(ofKind(dev, 'Deployment')[0].spec.replicas).toBeUndefined();
});

describe('snapshots', () => {
  const sample = {
    'istio-ambient': synthPlatform(chartProps()).services,
    native: synthPlatform(chartProps({ mtls: 'native' })).services,
  };
  test.each(['istio-ambient', 'native'] as const)('%s orders', (mtls) => expect(sample[mtls].orders).toMatchSnapshot());
  test.each(['istio-ambient', 'native'] as const)('%s inventory', (mtls) => expect(sample[mtls].inventory).toMatchSnapshot());
});

describe('catalogue secrets', () => {
  /** One service's chart in dev, ambient mode, with these Secrets Manager names for its catalogue secrets. */
  const serviceManifests = (serviceName: string, secretNames?: Record<string, string>) =>
    Testing.synth(
      new ServiceChart(Testing.app(), serviceName, {
        catalogue: REFERENCE_CATALOGUE,
        serviceName,
        profile: 'dev',
        mtls: 'istio-ambient',
        image: digestImage(serviceName),
        secretNames,
      }),
    ) as Manifest[];
  const manifests = serviceManifests('orders', { [RECEIPT_SIGNING_KEY_SECRET]: 'dev-platform/orders/receipt-signing-key' });

  test('catalogue secrets: one SecretProviderClass, fetched with the pod’s own Pod Identity role, copied into no Kubernetes Secret', () => {
    const providers = manifests.filter((m) => m.kind === 'SecretProviderClass');
    expect(providers).toEqual([
      {
        apiVersion: 'secrets-store.csi.x-k8s.io/v1',
        kind: 'SecretProviderClass',
        metadata: { name: 'orders-secrets', namespace: 'shop' },
        spec: {
          provider: 'aws',
          parameters: {
            usePodIdentity: 'true',
            objects:
              '- objectName: "dev-platform/orders/receipt-signing-key"\n  objectType: "secretsmanager"\n  objectAlias: "receipt-signing-key"\n',
          },
        },
      },
    ]);
    expect(schemaProblems(manifests)).toEqual([]);
  });

  test('catalogue secrets: mounted read-only as files; the environment names the directory, never a value', () => {
    const deployment = manifests.find((m) => m.kind === 'Deployment')!;
    const spec = deployment.spec.template.spec;
    expect(spec.volumes).toContainEqual({
      name: 'secrets',
      csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'orders-secrets' } },
    });
    expect(spec.containers[0].volumeMounts).toContainEqual({ mountPath: SERVICE_SECRETS_DIR, name: 'secrets', readOnly: true });
    expect(spec.containers[0].env).toContainEqual({ name: 'SECRETS_DIR', value: SERVICE_SECRETS_DIR });
    expect(JSON.stringify(spec.containers)).not.toMatch(/secretKeyRef|secretRef|receipt-signing-key/);
  });

  test('a service without secrets gets no provider class, volume or SECRETS_DIR', () => {
    const inventory = serviceManifests('inventory');
    expect(inventory.map((m) => m.kind)).not.toContain('SecretProviderClass');
    expect(JSON.stringify(inventory)).not.toMatch(/SECRETS_DIR|secrets-store/);
  });
});
