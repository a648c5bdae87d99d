import { ControlEvidence } from '../../../lib/compliance/controls';
import { Manifest } from '../../../lib/evidence/access-layers';

/**
 * A deep copy of a control's evidence that a test changes in place, then reads back as evidence; the reference it was
 * copied from stays as synthesized. Every selector throws when it matches nothing, so a change that misses its target
 * fails loudly instead of leaving the evidence as it was.
 */
export class EvidenceDraft {
  private readonly templates: Record<string, any>;
  private manifests: Manifest[];

  constructor(private readonly reference: ControlEvidence) {
    this.templates = structuredClone(reference.assembly.templates);
    this.manifests = structuredClone([...reference.manifests]);
  }

  /** The properties of every resource of the type the predicate selects, to change in place. */
  properties(type: string, predicate: (properties: Record<string, any>) => boolean = () => true): Record<string, any>[] {
    return matched(
      this.resources(type)
        .filter((r) => predicate(r.Properties ?? {}))
        .map((r) => (r.Properties ??= {})),
      type,
    );
  }

  /** Deletes every resource of the type the predicate selects. */
  removeResources(type: string, predicate: (properties: Record<string, any>) => boolean = () => true): void {
    const doomed = matched(
      Object.values<any>(this.templates).flatMap((template) =>
        Object.entries<any>(template.Resources ?? {})
          .filter(([, resource]) => resource.Type === type && predicate(resource.Properties ?? {}))
          .map(([logicalId]) => ({ template, logicalId })),
      ),
      type,
    );
    for (const { template, logicalId } of doomed) delete template.Resources[logicalId];
  }

  /** Every manifest of the kind the predicate selects, to change in place. */
  objects(kind: string, predicate: (manifest: Manifest) => boolean = () => true): Manifest[] {
    return matched(
      this.manifests.filter((m) => m.kind === kind && predicate(m)),
      kind,
    );
  }

  /** The pod template of every Deployment. */
  podSpecs(): Record<string, any>[] {
    return this.objects('Deployment').map((d) => d.spec.template.spec);
  }

  /** Every container of every Deployment. */
  containers(): Record<string, any>[] {
    return this.podSpecs().flatMap((spec) => spec.containers);
  }

  addObject(manifest: Manifest): void {
    this.manifests.push(manifest);
  }

  /** Deletes every manifest of the kind the predicate selects. */
  removeObjects(kind: string, predicate: (manifest: Manifest) => boolean = () => true): void {
    const doomed = new Set(this.objects(kind, predicate));
    this.manifests = this.manifests.filter((m) => !doomed.has(m));
  }

  /** The changed copy, as the controls read it. */
  /** One stack's template (by stack id, e.g. `Edge`), to change in place. */
  template(stack: string): Record<string, any> {
    const template = this.templates[stack];
    if (!template) throw new Error(`no stack ${stack} in the evidence: use one of ${Object.keys(this.templates).join(', ')}`);
    return template;
  }

  evidence(): ControlEvidence {
    return { ...this.reference, assembly: this.reference.assembly.withTemplates(this.templates), manifests: this.manifests };
  }

  private resources(type: string): any[] {
    return Object.values<any>(this.templates)
      .flatMap((t) => Object.values<any>(t.Resources ?? {}))
      .filter((r) => r.Type === type);
  }
}

function matched<T>(found: T[], what: string): T[] {
  if (found.length === 0) throw new Error(`no ${what} matched in the reference evidence: the change would leave it as it was`);
  return found;
}
