import * as cxapi from 'aws-cdk-lib/cx-api';

/** One resource as a template holds it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | readonly string[];
  readonly [attribute: string]: unknown;
}

/** The parts of a template the deploy-order checks read. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, TemplateResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value?: unknown; readonly [attribute: string]: unknown }>>;
  readonly [section: string]: unknown;
}

/** A synthesized stack as deployment sees it: its template and the stacks the CLI deploys before it. */
export interface StackTemplate {
  /** Artifact id, e.g. `Workloads`: how violations name the stack. */
  readonly id: string;
  /** CloudFormation stack name: what `Fn::GetStackOutput` names. */
  readonly stackName: string;
  /** @default - any region matches */
  readonly region?: string;
  readonly template: CfnTemplate;
  /** Artifact ids of the stacks the cloud assembly manifest orders before this one (direct dependencies). */
  readonly dependencies: readonly string[];
}

/** A synthesized app (`app.synth()`), or hand-made templates with their manifest dependencies. */
export type AssemblyInput = cxapi.CloudAssembly | readonly StackTemplate[];

/** A problem that would fail or misorder a deployment, located in a template. */
export interface DeployTrap {
  /** Artifact id of the stack. */
  readonly stack: string;
  /** @default - the problem is not in one resource */
  readonly logicalId?: string;
  /** `<stack>/<path in the template>`, e.g. `Workloads/Resources/X/Properties/Manifest/Fn::Join/1/9`. */
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

/** One line per trap, for test output and reports. */
export function describeTrap(trap: DeployTrap): string {
  return `${trap.path}: ${trap.problem} Fix: ${trap.fix}`;
}

export function stackTemplates(input: AssemblyInput): StackTemplate[] {
  // Attribute detection, as cx-api recommends: `instanceof` fails across copies of the library.
  if (!cxapi.CloudAssembly.isCloudAssembly(input)) return [...(input as readonly StackTemplate[])];
  return input.stacksRecursively.map((stack) => ({
    id: stack.id,
    stackName: stack.stackName,
    // Environment-agnostic stacks carry a placeholder region, which must not fail a region comparison.
    region: cxapi.UNKNOWN_REGION === stack.environment.region ? undefined : stack.environment.region,
    template: stack.template,
    dependencies: stack.dependencies.filter((d) => cxapi.CloudFormationStackArtifact.isCloudFormationStackArtifact(d)).map((d) => d.id),
  }));
}

/** Every stack each stack is deployed after, directly or through others (cycles are reported elsewhere, not followed forever). */
export function transitiveDependencies(stacks: readonly StackTemplate[]): Map<string, Set<string>> {
  const direct = new Map(stacks.map((s) => [s.id, s.dependencies]));
  const closure = new Map<string, Set<string>>();
  for (const stack of stacks) {
    const seen = new Set<string>();
    const pending = [...stack.dependencies];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...(direct.get(next) ?? []));
    }
    closure.set(stack.id, seen);
  }
  return closure;
}

/** Every node of a JSON value with its path, parents before children. */
export function* walkJson(
  node: unknown,
  path: readonly string[] = [],
): Generator<{ readonly node: unknown; readonly path: readonly string[] }> {
  yield { node, path };
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* walkJson(node[i], [...path, String(i)]);
  } else if (isObject(node)) {
    for (const [key, child] of Object.entries(node)) yield* walkJson(child, [...path, key]);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The single `{ "Fn::X": … }` intrinsic an object is, if it is one. */
export function intrinsic(node: unknown, name: string): unknown {
  return isObject(node) && Object.keys(node).length === 1 && name in node ? node[name] : undefined;
}

/** A `Fn::GetStackOutput` reference: where it sits and what it names. */
export interface StackOutputReference {
  readonly consumer: StackTemplate;
  /** Path inside the template to the object that is the `Fn::GetStackOutput` call. */
  readonly path: readonly string[];
  readonly stackName: unknown;
  readonly outputName: unknown;
  readonly region: unknown;
}

export const GET_STACK_OUTPUT = 'Fn::GetStackOutput';

export function stackOutputReferences(stack: StackTemplate): StackOutputReference[] {
  const found: StackOutputReference[] = [];
  for (const { node, path } of walkJson(stack.template)) {
    const call = intrinsic(node, GET_STACK_OUTPUT);
    if (call === undefined) continue;
    const args = isObject(call) ? call : {};
    found.push({ consumer: stack, path, stackName: args.StackName, outputName: args.OutputName, region: args.Region });
  }
  return found;
}

/** The stack a reference names, matched by name and, where both are known, region. */
export function producerOf(
  stacks: readonly StackTemplate[],
  reference: Pick<StackOutputReference, 'stackName' | 'region'>,
): StackTemplate | undefined {
  return stacks.find(
    (s) =>
      s.stackName === reference.stackName &&
      (typeof reference.region !== 'string' || s.region === undefined || s.region === reference.region),
  );
}

export function templatePath(stack: StackTemplate, path: readonly string[]): string {
  return [stack.id, ...path].join('/');
}
