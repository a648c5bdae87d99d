import { Manifest } from '../../evidence/access-layers';
import { AssemblyView } from '../../evidence/assembly-view';
import { HELM_CHART_TYPE, KUBERNETES_MANIFEST_TYPE, parseJson } from '../../evidence/cluster-resources';

export const ofKind = (manifests: readonly Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

/** The pod template of every Deployment: what the workload controls inspect. */
export const podSpecs = (manifests: readonly Manifest[]) => ofKind(manifests, 'Deployment').map((d) => d.spec.template.spec);

export const containers = (manifests: readonly Manifest[]): any[] => podSpecs(manifests).flatMap((spec) => spec.containers);

export const envValue = (container: any, name: string): string | undefined =>
  (container.env ?? []).find((e: any) => e.name === name)?.value;

/** JSON text of a value, for checks on values that may hold CloudFormation intrinsics (`Fn::Join`, `Ref`) anywhere. */
export const text = (value: unknown) => JSON.stringify(value) ?? '';

/**
 * Whether a resource policy denies every principal each of `actions` (one of the names counts, e.g. `s3:*` or `*`)
 * when the request does not use TLS (`aws:SecureTransport` false): a deny for one principal or one action is not it.
 */
export const deniesPlainHttp = (policyDocument: any, actions: readonly string[]): boolean =>
  (policyDocument?.Statement ?? []).some(
    (s: any) =>
      s.Effect === 'Deny' &&
      (s.Principal === '*' || s.Principal?.AWS === '*') &&
      [s.Action].flat().some((action: string) => actions.includes(action)) &&
      String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false',
  );

/** Whether every resource of `type` has a policy resource (`policyType`) that names it and satisfies `holds`. */
export const everyResourceHasPolicy = (
  assembly: AssemblyView,
  type: string,
  policyType: string,
  holds: (policy: Record<string, any>) => boolean,
): boolean => {
  const policies = assembly.ofType(policyType);
  return assembly
    .ofType(type)
    .every((resource) =>
      policies.some(
        (policy) =>
          policy.stack === resource.stack && text(policy.properties).includes(`"Ref":"${resource.logicalId}"`) && holds(policy.properties),
      ),
    );
};

/** The Kubernetes objects of a kind the stacks apply to the cluster (manifest custom resources), deploy-time values as placeholders. */
export const clusterObjects = (assembly: AssemblyView, kind: string): any[] =>
  assembly
    .ofType(KUBERNETES_MANIFEST_TYPE)
    .flatMap((r) => [parseJson(r.properties.Manifest).json ?? []].flat())
    .filter((object: any) => object?.kind === kind);

/** The values of each release of a Helm chart the stacks install, deploy-time values as placeholders. */
export const helmValues = (assembly: AssemblyView, chart: string): any[] =>
  assembly
    .ofType(HELM_CHART_TYPE)
    .filter((r) => r.properties.Chart === chart)
    .map((r) => parseJson(r.properties.Values).json ?? {});
