import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { readCacheEntry, writeCacheEntry } from '../private/cache-file';
import { projectRoot } from '../private/project-root';
import { TARGET_GROUP_BINDING_SCHEMA } from './target-group-binding';
import { SECRET_PROVIDER_CLASS_SCHEMA } from './service-secrets';
import { KYVERNO_CLUSTER_POLICY_SCHEMA } from './image-signature-policy';

/**
 * Validates manifests against pinned schemas: kubernetes-models 5.1.0 (Kubernetes), @kubernetes-models/istio 3.0.1,
 * @kubernetes-models/cert-manager 6.0.0, and our TargetGroupBinding, SecretProviderClass and Kyverno ClusterPolicy schemas. Those packages are ES modules only and
 * this project is CommonJS, so the validators run in a child `node` process (about half a second, no network;
 * skipped when `cacheDirectory` holds a clean verdict on the same input, validator and packages).
 * An apiVersion without a pinned schema is an error, so nothing reaches the cluster unchecked.
 */

/** Where the validators of each apiVersion live (one module per kind below it). */
export const SCHEMA_MODULES: Readonly<Record<string, string>> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'admissionregistration.k8s.io/v1': 'kubernetes-models/admissionregistration.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'security.istio.io/v1': '@kubernetes-models/istio/security.istio.io/v1',
  'networking.istio.io/v1': '@kubernetes-models/istio/networking.istio.io/v1',
  'cert-manager.io/v1': '@kubernetes-models/cert-manager/cert-manager.io/v1',
};

/** A manifest as synthesized: any object with apiVersion, kind and metadata.name. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/** The validator program (manifest-validator.mjs): a real module, run by the child `node`. */
const VALIDATOR = path.join(projectRoot(), 'lib', 'charts', 'manifest-validator.mjs');

/** The packages the validator reads schemas from: their versions are part of a kept verdict's key. */
const SCHEMA_PACKAGES = ['kubernetes-models', '@kubernetes-models/istio', '@kubernetes-models/cert-manager', 'ajv'];

export interface SchemaCheckOptions {
  /** Where the verdict on manifests that all validate is kept, so an unchanged re-synth skips the child process (~0.5 s). @default - none: always validated */
  readonly cacheDirectory?: string;
}

/** A CDK token as a synthesized chart holds it: a value CloudFormation fills in at deploy time. */
const CDK_TOKEN = /^\$\{Token\[[^\]]+\]\}$/;

/**
 * The manifest as the schemas can judge it: a ConfigMap's binaryData value that is a deploy-time token (the user
 * pool's signing keys, base64) stands in as valid base64, since the token text cannot match the `byte` format.
 */
function withTokenStandIns(manifest: Manifest): Manifest {
  const binaryData = (manifest as { binaryData?: Record<string, unknown> }).binaryData;
  if (manifest.kind !== 'ConfigMap' || !binaryData) return manifest;
  const standIns = Object.entries(binaryData).map(([key, value]) => [
    key,
    typeof value === 'string' && CDK_TOKEN.test(value) ? 'AA==' : value,
  ]);
  return { ...manifest, binaryData: Object.fromEntries(standIns) } as Manifest;
}

/** Every schema problem of the manifests, one line each; empty when all validate. */
export function schemaProblems(manifests: readonly Manifest[], options: SchemaCheckOptions = {}): string[] {
  const input = JSON.stringify({
    manifests: manifests.map(withTokenStandIns),
    modules: SCHEMA_MODULES,
    jsonSchemas: {
      'elbv2.k8s.aws/v1beta1/TargetGroupBinding': TARGET_GROUP_BINDING_SCHEMA,
      'secrets-store.csi.x-k8s.io/v1/SecretProviderClass': SECRET_PROVIDER_CLASS_SCHEMA,
      'kyverno.io/v1/ClusterPolicy': KYVERNO_CLUSTER_POLICY_SCHEMA,
    },
  });
  const file = options.cacheDirectory && path.join(options.cacheDirectory, `manifests-${verdictKey(input)}.json`);
  if (file && readCacheEntry<string[]>(file)?.length === 0) return [];
  const problems: string[] = JSON.parse(execFileSync(process.execPath, [VALIDATOR], { cwd: projectRoot(), input, encoding: 'utf8' }));
  // Only a clean verdict is kept (one entry, the latest): manifests with problems stop synth, and are checked again.
  if (file && problems.length === 0) writeCacheEntry(file, problems, (names) => names.filter((n) => n.startsWith('manifests-')));
  return problems;
}

/** Throws, listing every problem, unless all manifests validate. */
export function validateManifests(manifests: readonly Manifest[], options: SchemaCheckOptions = {}): void {
  const problems = schemaProblems(manifests, options);
  if (problems.length > 0) throw new Error(`manifests fail schema validation:\n${problems.join('\n')}`);
}

/** A hash of the validator's input, its source and the schema packages' versions: what its verdict depends on. */
function verdictKey(input: string): string {
  const hash = createHash('sha256').update(input).update(fs.readFileSync(VALIDATOR));
  for (const name of SCHEMA_PACKAGES)
    hash.update(`\0${name}@${JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version}`);
  return hash.digest('hex').slice(0, 32);
}
