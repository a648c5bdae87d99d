import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { schemaProblems } from '../../lib/charts/manifest-schemas';
import { targetGroupBinding } from '../../lib/charts/target-group-binding';
import { chartProps, synthPlatform, TARGET_GROUP_ARN, THREE_SERVICE_CATALOGUE } from './support/chart-fixture';

test('every object the charts emit, in both modes, validates against the pinned schemas', () => {
  const manifests = (['istio-ambient', 'native'] as const).flatMap(
    (mtls) => synthPlatform(chartProps({ mtls, catalogue: THREE_SERVICE_CATALOGUE, ingressTargetGroupArn: TARGET_GROUP_ARN })).all,
  );
  expect(new Set(manifests.map((m) => m.kind))).toEqual(
    new Set([
      'Namespace',
      'NetworkPolicy',
      'ResourceQuota',
      'LimitRange',
      'AuthorizationPolicy',
      'Certificate',
      'TargetGroupBinding',
      'ServiceAccount',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Service',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'SecretProviderClass',
    ]),
  );
  expect(schemaProblems(manifests)).toEqual([]);
});

test('a wrong type or enum, a missing required field, or an unpinned apiVersion is reported', () => {
  const binding = targetGroupBinding({ namespace: 'ns', serviceName: 'svc', servicePort: 443, targetGroupArn: TARGET_GROUP_ARN });
  const problems = schemaProblems([
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'bad-enum', namespace: 'ns' },
      spec: { podSelector: {}, policyTypes: ['Sideways'] },
    },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad-type' }, spec: { replicas: 'three' } },
    { ...binding, spec: { serviceRef: binding.spec.serviceRef } },
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    { apiVersion: 'v1', kind: 'Podd', metadata: { name: 'p' } },
  ] as never[]);
  expect(problems).toEqual([
    expect.stringMatching(/^manifest 0 \(NetworkPolicy ns\/bad-enum\): .*policyTypes\/0 must be equal to one of the allowed values/),
    expect.stringMatching(/^manifest 1 \(Deployment \/bad-type\): .*replicas must be integer/),
    expect.stringMatching(/^manifest 2 \(TargetGroupBinding ns\/svc\): .*must have required property 'targetGroupARN'/),
    'manifest 3 (Widget /w): no pinned schema for apiVersion example.com/v1',
    'manifest 4 (Podd /p): no pinned schema for v1/Podd',
  ]);
});

describe('the kept verdict (cdk synth passes its cache directory)', () => {
  const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const invalid = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad-type' }, spec: { replicas: 'three' } };
  let cacheDirectory: string;
  let validatorRuns: jest.SpyInstance;
  beforeEach(() => {
    cacheDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-verdicts-'));
    // The module object lib/ calls through (core modules are one per process, whatever the registry).
    validatorRuns = jest.spyOn(jest.requireActual<typeof import('child_process')>('child_process'), 'execFileSync');
  });
  afterEach(() => {
    validatorRuns.mockRestore();
    fs.rmSync(cacheDirectory, { recursive: true, force: true });
  });

  test('manifests that all validate are not validated again; a changed one is', () => {
    expect(schemaProblems([namespace('a')], { cacheDirectory })).toEqual([]);
    expect(schemaProblems([namespace('a')], { cacheDirectory })).toEqual([]);
    expect(validatorRuns).toHaveBeenCalledTimes(1);
    expect(fs.readdirSync(cacheDirectory)).toEqual([expect.stringMatching(/^manifests-[0-9a-f]{32}\.json$/)]);
    expect(schemaProblems([namespace('b')], { cacheDirectory })).toEqual([]);
    expect(validatorRuns).toHaveBeenCalledTimes(2);
    // One verdict is kept, the latest.
    expect(fs.readdirSync(cacheDirectory)).toHaveLength(1);
  });

  test('manifests with problems are checked every time and never kept', () => {
    for (let run = 0; run < 2; run++) expect(schemaProblems([invalid] as never[], { cacheDirectory })).toHaveLength(1);
    expect(validatorRuns).toHaveBeenCalledTimes(2);
    expect(fs.readdirSync(cacheDirectory)).toEqual([]);
  });
});

// The signing keys reach the ConfigMap as a deploy-time token (base64 of a stack output): the check judges a stand-in
// for it, and still refuses a literal that is not base64.
test('a ConfigMap binaryData value that is a deploy-time token validates; a literal that is not base64 does not', () => {
  const configMap = (value: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'orders-signing-keys', namespace: 'shop' },
    binaryData: { 'jwks.json': value },
  });
  expect(schemaProblems([configMap('${Token[TOKEN.123]}')])).toEqual([]);
  expect(schemaProblems([configMap('{"keys":[]}')])).toEqual([expect.stringMatching(/binaryData\/jwks\.json must match format "byte"/)]);
});
