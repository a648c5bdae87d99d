import * as cxapi from 'aws-cdk-lib/cx-api';

/** One resource of a synthesized template. */
export interface TemplateResource {
  /** Construct id of the stack (artifact id), e.g. `Network`. */
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
  readonly path?: string;
}

/** Read-only access to the synthesized environment: what the report and the control checks look at. */
export class AssemblyView {
  /** Reads a cloud assembly from disk (`cdk.out`). */
  static fromDirectory(directory: string): AssemblyView {
    return new AssemblyView(new cxapi.CloudAssembly(directory));
  }

  readonly resources: readonly TemplateResource[];
  /** Construct ids of the stacks (artifact ids), e.g. `Network`. */
  readonly stackIds: readonly string[];
  /** CloudFormation stack names, e.g. `dev-platform-network`. */
  readonly stackNames: readonly string[];

  /** Each stack's template by stack id (artifact id), as synthesized unless the view came from `withTemplates`. */
  readonly templates: Readonly<Record<string, any>>;

  constructor(
    readonly assembly: cxapi.CloudAssembly,
    templates?: Readonly<Record<string, any>>,
  ) {
    this.stackIds = assembly.stacks.map((s) => s.id);
    this.stackNames = assembly.stacks.map((s) => s.stackName);
    this.templates = templates ?? Object.fromEntries(assembly.stacks.map((s) => [s.id, s.template]));
    const unknown = Object.keys(this.templates).filter((id) => !this.stackIds.includes(id));
    if (unknown.length > 0) throw new Error(`no stack ${unknown.join(', ')} in the assembly: use one of ${this.stackIds.join(', ')}`);
    this.resources = Object.entries<any>(this.templates).flatMap(([stack, template]) =>
      Object.entries<any>(template.Resources ?? {}).map(([logicalId, resource]) => ({
        stack,
        logicalId,
        type: resource.Type,
        properties: resource.Properties ?? {},
        path: resource.Metadata?.['aws:cdk:path'],
      })),
    );
  }

  /**
   * The same stacks with other templates: tests read a changed copy (a control removed) the way they read the
   * synthesized one. `assembly` stays the synthesized cloud assembly.
   */
  withTemplates(templates: Readonly<Record<string, any>>): AssemblyView {
    return new AssemblyView(this.assembly, templates);
  }

  ofType(type: string): TemplateResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** True when at least one resource of the type exists and every one satisfies the predicate. */
  every(type: string, predicate: (properties: Record<string, any>) => boolean): boolean {
    const found = this.ofType(type);
    return found.length > 0 && found.every((r) => predicate(r.properties));
  }

  some(type: string, predicate: (properties: Record<string, any>) => boolean = () => true): boolean {
    return this.ofType(type).some((r) => predicate(r.properties));
  }
}
