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

  constructor(readonly assembly: cxapi.CloudAssembly) {
    this.stackIds = assembly.stacks.map((s) => s.id);
    this.stackNames = assembly.stacks.map((s) => s.stackName);
    this.resources = assembly.stacks.flatMap((stack) =>
      Object.entries<any>(stack.template.Resources ?? {}).map(([logicalId, resource]) => ({
        stack: stack.id,
        logicalId,
        type: resource.Type,
        properties: resource.Properties ?? {},
        path: resource.Metadata?.['aws:cdk:path'],
      })));
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
