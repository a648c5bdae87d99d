import { Testing } from 'cdk8s';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { ConfigErrors } from '../../lib/config';
import { imageSignaturePolicy, SIGNATURE_POLICY_NAME } from '../../lib/charts/image-signature-policy';
import { schemaProblems } from '../../lib/charts/manifest-schemas';
import { KYVERNO_ADMISSION_SERVICE_ACCOUNT, KYVERNO_NAMESPACE } from '../../lib/constructs/image-signature-verification';
import { HelmRelease, helmReleases } from '../../lib/evidence/cluster-resources';
import { describeTrap, kubernetesObjectsBeforeTheirCrds, stackTemplates } from '../../lib/evidence/deploy-order';
import { evaluate } from '../../lib/evidence/policy-evaluator';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { buildPlatform, PROD_CONTEXT, TEST_IMAGE_DIGESTS, testConfig } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';

const REPOSITORY = 'example-org/platform';
const SIGNATURES = { imageSignatures: 'cosign-keyless', githubRepository: REPOSITORY };
const IDENTITY = '^https://github\\.com/example-org/platform/\\.github/workflows/delivery\\.yml@refs/heads/main$';

const kyvernoOf = (assembly: cxapi.CloudAssembly): HelmRelease[] =>
  helmReleases(stackTemplates(assembly)).filter((release) => release.chart === 'kyverno');
const signaturePolicies = (baseline: readonly any[]) => baseline.filter((o) => o.kind === 'ClusterPolicy');

describe('with imageSignatures off (every shipped profile)', () => {
  test('nothing of Kyverno is synthesized: no chart, no ClusterPolicy', () => {
    const dev = synthesizedConfiguration('dev');
    expect(kyvernoOf(dev.assembly)).toEqual([]);
    expect(signaturePolicies(dev.workloads.baseline)).toEqual([]);
    expect(testConfig({}).cluster.imageSignatures).toBe('off');
    expect(testConfig(PROD_CONTEXT).cluster.imageSignatures).toBe('off');
  });
});

describe('with imageSignatures cosign-keyless (prod)', () => {
  let assembly: cxapi.CloudAssembly;
  let baseline: any[];
  let policies: SynthesizedPolicies;
  let kyverno: HelmRelease;
  let role: IConstruct;
  beforeAll(() => {
    const { app, platform } = buildPlatform({ ...PROD_CONTEXT, imageDigests: TEST_IMAGE_DIGESTS, ...SIGNATURES });
    assembly = app.synth();
    baseline = Testing.synth(platform.workloads!.charts.baseline);
    policies = SynthesizedPolicies.fromAssembly(assembly);
    [kyverno] = kyvernoOf(assembly);
    role = platform.cluster.components.signatureVerification!.kyverno.identity!.role;
  });

  test('Kyverno comes from its official repository at the pinned chart version, in its own namespace', () => {
    expect(kyvernoOf(assembly)).toHaveLength(1);
    expect(kyverno).toMatchObject({
      repository: 'https://kyverno.github.io/kyverno/',
      version: '3.9.0',
      namespace: KYVERNO_NAMESPACE,
      wait: true,
    });
  });

  test('HA, restricted pods, and webhooks that admit the workload namespaces only', () => {
    const values = kyverno.values!;
    expect(values.admissionController).toMatchObject({
      replicas: 3,
      podDisruptionBudget: { enabled: true, minAvailable: 2 },
      podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      rbac: { serviceAccount: { name: KYVERNO_ADMISSION_SERVICE_ACCOUNT } },
    });
    expect(values.reportsController.podSecurityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.backgroundController).toEqual({ enabled: false });
    expect(values.cleanupController).toEqual({ enabled: false });
    expect(values.config.webhooks.namespaceSelector).toEqual({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }],
    });
  });

  test('the ClusterPolicy requires the delivery workflow keyless signature on platform images, fail-closed, in the workload namespaces', () => {
    const [policy, ...others] = signaturePolicies(baseline);
    expect(others).toEqual([]);
    const registry = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
    expect(policy).toMatchObject({
      apiVersion: 'kyverno.io/v1',
      metadata: { name: SIGNATURE_POLICY_NAME },
      spec: { validationFailureAction: 'Enforce', failurePolicy: 'Fail', background: false },
    });
    const [rule] = policy.spec.rules;
    expect(rule.match).toEqual({ any: [{ resources: { kinds: ['Pod'], namespaces: ['shop'] } }] });
    expect(rule.verifyImages).toEqual([
      expect.objectContaining({
        type: 'Cosign',
        imageReferences: [`${registry}/*`],
        failureAction: 'Enforce',
        required: true,
        verifyDigest: true,
        mutateDigest: false,
        attestors: [
          {
            entries: [
              {
                keyless: {
                  subjectRegExp: IDENTITY,
                  issuer: 'https://token.actions.githubusercontent.com',
                  rekor: { url: 'https://rekor.sigstore.dev' },
                },
              },
            ],
          },
        ],
      }),
    ]);
    const subject = new RegExp(IDENTITY);
    expect(subject.test(`https://github.com/${REPOSITORY}/.github/workflows/delivery.yml@refs/heads/main`)).toBe(true);
    for (const other of [
      `https://github.com/${REPOSITORY}/.github/workflows/other.yml@refs/heads/main`,
      `https://github.com/${REPOSITORY}/.github/workflows/delivery.yml@refs/heads/feature`,
      'https://github.com/example-org/platform-fork/.github/workflows/delivery.yml@refs/heads/main',
      'https://github.com/evil/platform/.github/workflows/delivery.yml@refs/heads/main',
    ]) {
      expect([other, subject.test(other)]).toEqual([other, false]);
    }
  });

  test('deploy order: the ClusterPolicy after Kyverno, and no other chart waits for Kyverno', () => {
    expect(kubernetesObjectsBeforeTheirCrds(assembly).map(describeTrap)).toEqual([]);
    // Targeted break 1: the Workloads stack (ClusterPolicy) no longer deployed after the Cluster stack (Kyverno).
    const detached = stackTemplates(assembly).map((s) => (s.id === 'Workloads' ? { ...s, dependencies: [] } : s));
    expect(kubernetesObjectsBeforeTheirCrds(detached).map((trap) => trap.problem)).toContainEqual(
      expect.stringMatching(/ClusterPolicy platform-image-signatures .* must come after Cluster\/ComponentsSignatureVerificationKyverno/),
    );
    // Targeted break 2: Kyverno's webhooks left at the chart's default (every namespace but kube-system): the
    // platform's other charts would then need Kyverno first.
    const unscoped = stackTemplates(assembly).map((s) => {
      if (s.id !== 'Cluster') return s;
      const resources = Object.fromEntries(
        Object.entries(s.template.Resources ?? {}).map(([id, resource]: [string, any]) => {
          if (resource.Properties?.Chart !== 'kyverno') return [id, resource];
          const values = JSON.parse(resource.Properties.Values);
          values.config.webhooks.namespaceSelector = {
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }],
          };
          return [id, { ...resource, Properties: { ...resource.Properties, Values: JSON.stringify(values) } }];
        }),
      );
      return { ...s, template: { ...s.template, Resources: resources } };
    });
    expect(kubernetesObjectsBeforeTheirCrds(unscoped).map((trap) => trap.problem)).toContainEqual(
      expect.stringMatching(/chart cert-manager .*kyverno's webhook kyverno-resource-validating-webhook-cfg/),
    );
  });

  test("Kyverno's role reads images and signatures from the platform's repositories only", () => {
    const statements = policies.statementsOf(role);
    const own = 'arn:aws:ecr:us-east-1:111111111111:repository/prod-platform-data/orders';
    for (const action of ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:DescribeImages']) {
      expect([action, evaluate(statements, { action, resource: own })]).toEqual([action, 'allow']);
      const foreign = 'arn:aws:ecr:us-east-1:111111111111:repository/other-team/app';
      expect([action, evaluate(statements, { action, resource: foreign })]).toEqual([action, 'implicit-deny']);
    }
    expect(evaluate(statements, { action: 'ecr:GetAuthorizationToken', resource: '*' })).toBe('allow');
    for (const action of ['ecr:PutImage', 'ecr:BatchDeleteImage', 'ecr:SetRepositoryPolicy', 'ecr:InitiateLayerUpload']) {
      expect([action, evaluate(statements, { action, resource: own })]).toEqual([action, 'implicit-deny']);
    }
  });
});

describe('configuration errors', () => {
  const errorOf = (context: Record<string, unknown>) => {
    try {
      testConfig(context);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigErrors);
      return (error as Error).message;
    }
    throw new Error('no ConfigError');
  };

  test('without delivery.repository there is no identity to trust', () => {
    expect(errorOf({ imageSignatures: 'cosign-keyless' })).toMatch(/delivery\.repository[\s\S]*-c githubRepository=/);
  });

  test('isolated egress cannot reach Fulcio and Rekor', () => {
    expect(errorOf({ ...SIGNATURES, egress: 'isolated' })).toMatch(/cluster\.imageSignatures[\s\S]*Rekor[\s\S]*egress: nat/);
  });

  test("the image cache cannot serve Kyverno's registries", () => {
    expect(errorOf({ ...SIGNATURES, imageCache: true })).toMatch(/network\.imageCache[\s\S]*reg\.kyverno\.io/);
  });

  test('an unknown mode', () => {
    expect(errorOf({ imageSignatures: 'notary' })).toMatch(/cluster\.imageSignatures[\s\S]*cosign-keyless/);
  });
});

// `cdk synth` writes the GitOps manifests through the schema check, which refuses an apiVersion without a pinned
// schema: without one for Kyverno's ClusterPolicy, a cosign-keyless configuration did not synthesize at all.
describe('the signature policy against its pinned schema', () => {
  const policy = imageSignaturePolicy({
    registry: '111111111111.dkr.ecr.us-east-1.amazonaws.com',
    namespaces: ['shop'],
    githubRepository: REPOSITORY,
  });

  test('the policy validates', () => {
    expect(schemaProblems([policy])).toEqual([]);
  });

  test('a misspelled field of an image verification is an error, not a setting Kyverno would ignore', () => {
    const [rule] = policy.spec.rules;
    const misspelt = {
      ...policy,
      spec: { ...policy.spec, rules: [{ ...rule, verifyImages: [{ ...rule.verifyImages[0], verifyDigests: true }] }] },
    };
    expect(schemaProblems([misspelt])).toEqual([
      expect.stringMatching(/^manifest 0 \(ClusterPolicy \/platform-image-signatures\): .*additional properties/),
    ]);
  });
});
