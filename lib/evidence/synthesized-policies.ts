import { CfnElement, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { StatementJson } from './policy-evaluator';

type Template = {
  Resources?: Record<string, { Type: string; Properties?: Record<string, any> }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
};

/** How a template value that names a resource is shown after resolution: `{{<stack>:<logicalId>[.<attribute>]}}`. */
export function placeholder(stackName: string, logicalId: string, attribute?: string): string {
  return `{{${stackName}:${logicalId}${attribute ? `.${attribute}` : ''}}}`;
}

/**
 * The IAM policies of a synthesized cloud assembly, with CloudFormation intrinsics resolved to strings: literals stay,
 * `Ref`/`Fn::GetAtt` become placeholders, cross-stack references (`Fn::GetStackOutput`, `Fn::ImportValue`) are
 * followed to the producing stack's output, and `Fn::Join`/`Fn::Sub` are applied. An intrinsic it does not know throws.
 */
export class SynthesizedPolicies {
  static fromAssembly(assembly: cxapi.CloudAssembly): SynthesizedPolicies {
    return new SynthesizedPolicies(
      assembly.stacks.map((s) => ({
        name: s.stackName,
        account: s.environment.account,
        region: s.environment.region,
        template: s.template as Template,
      })),
    );
  }

  private readonly stacks: Map<string, { readonly account: string; readonly region: string; readonly template: Template }>;

  private constructor(stacks: readonly { name: string; account: string; region: string; template: Template }[]) {
    this.stacks = new Map(stacks.map((s) => [s.name, s]));
  }

  /** Resolves a CloudFormation value found in the named stack's template to a string. */
  resolve(value: unknown, stackName: string): string {
    this.stackOrThrow(stackName);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`cannot resolve ${JSON.stringify(value)} in ${stackName}`);
    }
    const [fn, arg] = Object.entries(value as Record<string, any>)[0] ?? [];
    switch (fn) {
      case 'Ref':
        return this.pseudoParameter(arg, stackName) ?? placeholder(stackName, arg);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return placeholder(stackName, logicalId, attribute);
      }
      case 'Fn::Join':
        return (arg[1] as unknown[]).map((part) => this.resolve(part, stackName)).join(arg[0]);
      case 'Fn::Sub': {
        const [text, variables] = typeof arg === 'string' ? [arg, {}] : arg;
        return (text as string).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          if (name in variables) return this.resolve(variables[name], stackName);
          const [logicalId, attribute] = name.split('.');
          return this.pseudoParameter(name, stackName) ?? placeholder(stackName, logicalId, attribute);
        });
      }
      case 'Fn::GetStackOutput': {
        const producer = this.stackOrThrow(arg.StackName);
        const output = producer.template.Outputs?.[arg.OutputName];
        if (!output) throw new Error(`stack ${arg.StackName} has no output ${arg.OutputName}`);
        return this.resolve(output.Value, arg.StackName);
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolve(arg, stackName);
        for (const [name, producer] of this.stacks) {
          for (const output of Object.values(producer.template.Outputs ?? {})) {
            if (output.Export && this.resolve(output.Export.Name, name) === exportName) return this.resolve(output.Value, name);
          }
        }
        throw new Error(`no stack exports ${exportName}`);
      }
      default:
        throw new Error(`cannot resolve intrinsic ${fn} in ${stackName}: teach SynthesizedPolicies.resolve about it`);
    }
  }

  /** Resolves a CDK token (e.g. `table.tableArn`) the way it appears in templates of the construct's stack. */
  resolveToken(scope: IConstruct, token: string): string {
    const stack = Stack.of(scope);
    return this.resolve(stack.resolve(token), stack.stackName);
  }

  /** Every statement of every identity policy attached to the role: inline, customer-managed, and separate policies. */
  statementsOf(role: IConstruct): StatementJson[] {
    const cfnRole = role.node.defaultChild as CfnElement;
    const stack = Stack.of(role);
    const roleRef = placeholder(stack.stackName, stack.resolve(cfnRole.logicalId));
    const statements: StatementJson[] = [];
    for (const [stackName, { template }] of this.stacks) {
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        const props = resource.Properties ?? {};
        const attached = (refs: unknown[] | undefined) => (refs ?? []).some((ref) => this.resolve(ref, stackName) === roleRef);
        if (resource.Type === 'AWS::IAM::Role' && placeholder(stackName, logicalId) === roleRef) {
          for (const inline of props.Policies ?? []) statements.push(...this.statementsIn(inline.PolicyDocument, stackName));
          for (const arn of props.ManagedPolicyArns ?? []) {
            const resolved = this.resolve(arn, stackName);
            if (!resolved.startsWith('{{'))
              throw new Error(`role ${roleRef} has managed policy ${resolved}, which this evaluator cannot read`);
          }
        }
        if ((resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') && attached(props.Roles)) {
          statements.push(...this.statementsIn(props.PolicyDocument, stackName));
        }
      }
    }
    return statements;
  }

  /** Every policy document in the assembly (identity and resource policies), for whole-app checks. */
  allPolicyDocuments(): { stackName: string; logicalId: string; type: string; statements: StatementJson[] }[] {
    const documents: { stackName: string; logicalId: string; type: string; statements: StatementJson[] }[] = [];
    const walk = (value: unknown, stackName: string, logicalId: string, type: string): void => {
      if (Array.isArray(value)) {
        value.forEach((v) => walk(v, stackName, logicalId, type));
      } else if (typeof value === 'object' && value !== null) {
        const record = value as Record<string, unknown>;
        if (Array.isArray(record.Statement)) {
          documents.push({ stackName, logicalId, type, statements: this.statementsIn(record, stackName) });
        } else {
          Object.values(record).forEach((v) => walk(v, stackName, logicalId, type));
        }
      }
    };
    for (const [stackName, { template }] of this.stacks) {
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {}))
        walk(resource.Properties, stackName, logicalId, resource.Type);
    }
    return documents;
  }

  private statementsIn(document: any, stackName: string): StatementJson[] {
    const resolveList = (value: unknown) =>
      value === undefined ? undefined : (Array.isArray(value) ? value : [value]).map((v) => this.resolve(v, stackName));
    return (document.Statement as any[]).map((s) => ({
      ...s,
      Action: resolveList(s.Action),
      NotAction: resolveList(s.NotAction),
      Resource: resolveList(s.Resource),
      NotResource: resolveList(s.NotResource),
      Condition:
        s.Condition &&
        Object.fromEntries(
          Object.entries(s.Condition as Record<string, Record<string, unknown>>).map(([op, entries]) => [
            op,
            Object.fromEntries(
              Object.entries(entries).map(([key, v]) => [
                key,
                Array.isArray(v) ? v.map((x) => this.resolve(x, stackName)) : this.resolve(v, stackName),
              ]),
            ),
          ]),
        ),
    }));
  }

  private pseudoParameter(name: string, stackName: string): string | undefined {
    const { account, region } = this.stackOrThrow(stackName);
    const values: Record<string, string> = {
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
    };
    return values[name];
  }

  private stackOrThrow(name: string) {
    const stack = this.stacks.get(name);
    if (!stack) throw new Error(`no stack named ${name} in the assembly`);
    return stack;
  }
}
