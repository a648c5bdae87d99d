import { isCelError, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { imageAdmissionPolicy, imageCondition } from '../../lib/charts/image-admission-policy';
import { serviceNamespaces } from '../../lib/charts/call-graph';
import { ecrRegistry } from '../../lib/workloads';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { testConfig } from '../support/platform-fixture';
import { ACCOUNT, chartProps, digestImage, Manifest, ofKind, single, synthPlatform } from './support/chart-fixture';

/**
 * The image admission policy, evaluated as the API server would: its CEL variables, validation and message run in a
 * real CEL evaluator (@bufbuild/cel, with the strings extension Kubernetes enables for `join`) against the pods and
 * pod templates the charts render, and against the images it exists to refuse.
 */
const REGISTRY = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;

/** What the policy decides for one object: admitted, or the message the API server would return. */
function decide(policy: Manifest, object: unknown): { admitted: boolean; message: string } {
  const evaluate = (expression: string, variables: Record<string, unknown>) => {
    const result = run(expression, { object: object as any, variables: variables as any }, { funcs: strings });
    if (isCelError(result)) throw new Error(`${expression}: ${result.message}`);
    return result;
  };
  const variables: Record<string, unknown> = {};
  for (const variable of policy.spec.variables) variables[variable.name] = evaluate(variable.expression, variables);
  const [validation] = policy.spec.validations;
  const admitted = evaluate(validation.expression, variables) === true;
  return { admitted, message: admitted ? '' : String(evaluate(validation.messageExpression, variables)) };
}

const deployment = (...images: string[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
});

describe('in prod: from the platform registry, pinned by digest', () => {
  const { baseline, services } = synthPlatform();
  const policy = single(baseline, 'ValidatingAdmissionPolicy', 'platform-images');

  test.each(Object.keys(services))('admits the %s Deployment the charts render', (service) => {
    const [rendered] = ofKind(services[service], 'Deployment');
    expect(decide(policy, rendered)).toEqual({ admitted: true, message: '' });
  });

  test.each([
    ['an image pinned by tag', `${REGISTRY}/orders:0.1.0`],
    ['an image without tag or digest', `${REGISTRY}/orders`],
    ['a foreign image', 'docker.io/library/nginx@sha256:' + 'ab'.repeat(32)],
    ['a look-alike host', `${REGISTRY}.attacker.example/orders@sha256:${'ab'.repeat(32)}`],
    ['another account', `222222222222.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:${'ab'.repeat(32)}`],
    ['a short digest', `${REGISTRY}/orders@sha256:abc`],
  ])('rejects %s, naming it', (_, image) => {
    expect(decide(policy, deployment(digestImage('orders'), image))).toEqual({
      admitted: false,
      message: `every image must come from ${REGISTRY}, pinned by @sha256 digest; rejected: ${image}`,
    });
  });

  test('checks bare Pods, CronJob templates, init and ephemeral containers', () => {
    const foreign = 'busybox:1.37';
    const ok = digestImage('orders');
    const pod = (spec: object) => ({ kind: 'Pod', spec: { containers: [{ name: 'c', image: ok }], ...spec } });
    expect(decide(policy, pod({})).admitted).toBe(true);
    expect(decide(policy, pod({ initContainers: [{ name: 'i', image: foreign }] })).admitted).toBe(false);
    expect(decide(policy, pod({ ephemeralContainers: [{ name: 'debug', image: foreign }] })).admitted).toBe(false);
    const cronJob = (image: string) => ({
      kind: 'CronJob',
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } } },
    });
    expect([decide(policy, cronJob(ok)).admitted, decide(policy, cronJob(foreign)).admitted]).toEqual([true, false]);
  });

  test('applies to pods and every controller template, fails closed, denies and audits', () => {
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.resourceRules.flatMap((rule: any) => rule.resources)).toEqual([
      'pods',
      'pods/ephemeralcontainers',
      'deployments',
      'replicasets',
      'statefulsets',
      'daemonsets',
      'jobs',
      'cronjobs',
    ]);
    expect(single(baseline, 'ValidatingAdmissionPolicyBinding', 'platform-images').spec.validationActions).toEqual(['Deny', 'Audit']);
  });

  test("binds the platform's workload namespaces by name, and no platform component's", () => {
    const binding = single(baseline, 'ValidatingAdmissionPolicyBinding', 'platform-images');
    expect(binding.spec.matchResources.namespaceSelector).toEqual({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: serviceNamespaces(REFERENCE_CATALOGUE) }],
    });
    for (const component of ['kube-system', 'istio-system', 'istio-ingress', 'cert-manager', 'amazon-cloudwatch']) {
      expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).not.toContain(component);
    }
  });
});

test('native mode with the edge proxy also binds the ingress namespace it runs in', () => {
  const { baseline } = synthPlatform(
    chartProps({ mtls: 'native', images: { ...chartProps().images, 'ingress-gateway': digestImage('ingress-gateway') } }),
  );
  const values = single(baseline, 'ValidatingAdmissionPolicyBinding', 'platform-images').spec.matchResources.namespaceSelector
    .matchExpressions[0].values;
  expect(values).toEqual([REFERENCE_CATALOGUE.ingress.namespace, ...serviceNamespaces(REFERENCE_CATALOGUE)]);
});

test('in dev, tags from the platform registry pass (with the charts warning) and foreign images still do not', () => {
  const images = { orders: `${REGISTRY}/orders:0.1.0`, inventory: `${REGISTRY}/inventory:0.1.0` };
  const { baseline, services } = synthPlatform(chartProps({ profile: 'dev', images }));
  const policy = single(baseline, 'ValidatingAdmissionPolicy', 'platform-images');
  expect(decide(policy, ofKind(services.orders, 'Deployment')[0]).admitted).toBe(true);
  expect(decide(policy, deployment('ghcr.io/someone/tool:latest')).admitted).toBe(false);
});

test('the platform admits its own ECR registry: the host its repositories live on', () => {
  expect(ecrRegistry(testConfig())).toBe('111111111111.dkr.ecr.us-east-1.amazonaws.com');
  expect(ecrRegistry(testConfig({ region: 'cn-north-1', availabilityZones: 'cn-north-1a,cn-north-1b' }))).toBe(
    '111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn',
  );
});

test('a registry that could break out of the CEL string is refused', () => {
  expect(() => imageCondition({ registry: "evil.example') || true || ('", namespaces: [] })).toThrow(/not a registry host/);
  expect(() => imageAdmissionPolicy({ registry: 'https://host.example', namespaces: [] })).toThrow(/not a registry host/);
});
