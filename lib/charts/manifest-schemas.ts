import { execFileSync } from 'child_process';
import * as path from 'path';
import { projectRoot } from '../private/project-root';
import { TARGET_GROUP_BINDING_SCHEMA } from './target-group-binding';
import { SECRET_PROVIDER_CLASS_SCHEMA } from './service-secrets';

/**
 * Validates manifests against pinned schemas: kubernetes-models 5.1.0 (Kubernetes), @kubernetes-models/istio 3.0.1,
 * @kubernetes-models/cert-manager 6.0.0, and our TargetGroupBinding schema. Those packages are ES modules only and
 * this project is CommonJS, so the validators run in a child `node` process (about half a second, no network).
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

/** Every schema problem of the manifests, one line each; empty when all validate. */
export function schemaProblems(manifests: readonly Manifest[]): string[] {
  const input = JSON.stringify({
    manifests,
    modules: SCHEMA_MODULES,
    jsonSchemas: {
      'elbv2.k8s.aws/v1beta1/TargetGroupBinding': TARGET_GROUP_BINDING_SCHEMA,
      'secrets-store.csi.x-k8s.io/v1/SecretProviderClass': SECRET_PROVIDER_CLASS_SCHEMA,
    },
  });
  const output = execFileSync(process.execPath, [VALIDATOR], {
    cwd: projectRoot(),
    input,
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[];
}

/** Throws, listing every problem, unless all manifests validate. */
export function validateManifests(manifests: readonly Manifest[]): void {
  const problems = schemaProblems(manifests);
  if (problems.length > 0) throw new Error(`manifests fail schema validation:\n${problems.join('\n')}`);
}
