import { Manifest } from '../../evidence/access-layers';

export const ofKind = (manifests: readonly Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

/** The pod template of every Deployment: what the workload controls inspect. */
export const podSpecs = (manifests: readonly Manifest[]) => ofKind(manifests, 'Deployment').map((d) => d.spec.template.spec);

export const containers = (manifests: readonly Manifest[]): any[] => podSpecs(manifests).flatMap((spec) => spec.containers);

export const envValue = (container: any, name: string): string | undefined =>
  (container.env ?? []).find((e: any) => e.name === name)?.value;

/** JSON text of a value, for checks on values that may hold CloudFormation intrinsics (`Fn::Join`, `Ref`) anywhere. */
export const text = (value: unknown) => JSON.stringify(value) ?? '';

/** Whether a resource policy denies every request that does not use TLS (`aws:SecureTransport` false). */
export const deniesPlainHttp = (policyDocument: any): boolean =>
  (policyDocument?.Statement ?? []).some((s: any) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false');
