import { ControlEvidence } from '../../../lib/compliance/controls';
import { Manifest } from '../../../lib/evidence/access-layers';

/**
 * A copy of a control's evidence that a test changes in place, then reads back as evidence; the reference it was
 * copied from stays as synthesized. Templates are copied one at a time, when a change first reaches into them, and
 * manifests when one is first selected: a change touches one or two of the platform's templates, and copying them all
 * for each of the table's cases cost seconds per run. Every selector throws when it matches nothing, so a change that
 * misses its target fails loudly instead of leaving the evidence as it was.
 */
export class EvidenceDraft {
  /** The templates copied so far (by stack id), changed in place. */
  private readonly copied: Record<string, any> = {};
  private copiedManifests?: Manifest[];

  constructor(private readonly reference: ControlEvidence) {}

  /** The properties of every resource of the type the predicate selects, to change in place. */
  properties(type: string, predicate: (properties: Record<string, any>) => boolean = () => true): Record<string, any>[] {
    return this.resources(type, predicate).map(({ stack, logicalId }) => (this.template(stack).Resources[logicalId].Properties ??= {}));
  }

  /** Deletes every resource of the type the predicate selects. */
  removeResources(type: string, predicate: (properties: Record<string, any>) => boolean = () => true): void {
    for (const { stack, logicalId } of this.resources(type, predicate)) delete this.template(stack).Resources[logicalId];
  }

  /** Every manifest of the kind the predicate selects, to change in place. */
  objects(kind: string, predicate: (manifest: Manifest) => boolean = () => true): Manifest[] {
    return matched(
      this.manifests().filter((m) => m.kind === kind && predicate(m)),
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
    this.manifests().push(manifest);
  }

  /** Deletes every manifest of the kind the predicate selects. */
  removeObjects(kind: string, predicate: (manifest: Manifest) => boolean = () => true): void {
    const doomed = new Set(this.objects(kind, predicate));
    this.copiedManifests = this.manifests().filter((m) => !doomed.has(m));
  }

  /** One stack's template (by stack id, e.g. `Edge`), to change in place. */
  template(stack: string): Record<string, any> {
    const templates = this.reference.assembly.templates;
    if (!Object.hasOwn(templates, stack)) {
      throw new Error(`no stack ${stack} in the evidence: use one of ${Object.keys(templates).join(', ')}`);
    }
    return (this.copied[stack] ??= structuredClone(templates[stack]));
  }

  /** The changed copy, as the controls read it. */
  evidence(): ControlEvidence {
    const templates = { ...this.reference.assembly.templates, ...this.copied };
    return { ...this.reference, assembly: this.reference.assembly.withTemplates(templates), manifests: this.manifests() };
  }

  private manifests(): Manifest[] {
    return (this.copiedManifests ??= structuredClone([...this.reference.manifests]));
  }

  /**
   * Where the resources of the type the predicate selects are, found in the current state of each template (the copy
   * once there is one), so that changes build on one another.
   */
  private resources(type: string, predicate: (properties: Record<string, any>) => boolean): { stack: string; logicalId: string }[] {
    return matched(
      Object.keys(this.reference.assembly.templates).flatMap((stack) => {
        const template = this.copied[stack] ?? this.reference.assembly.templates[stack];
        return Object.entries<any>(template.Resources ?? {})
          .filter(([, resource]) => resource.Type === type && predicate(resource.Properties ?? {}))
          .map(([logicalId]) => ({ stack, logicalId }));
      }),
      type,
    );
  }
}

function matched<T>(found: T[], what: string): T[] {
  if (found.length === 0) throw new Error(`no ${what} matched in the reference evidence: the change would leave it as it was`);
  return found;
}
