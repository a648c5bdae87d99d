import { Construct } from 'constructs';

/**
 * For a construct whose parts live beside it in its scope (so their construct paths, and with them CloudFormation
 * logical ids, stay what they were): the construct itself has no children, so a dependency added on it would reach
 * none of them. Fails synth with the fix instead of silently ordering nothing.
 */
export function refuseDependenciesOnItself(construct: Construct, parts: string): void {
  construct.node.addValidation({
    validate: () =>
      construct.node.dependencies.length === 0
        ? []
        : [`${construct.node.path} has no children (its ${parts} live beside it): add the dependency to the parts, or to their scope`],
  });
}
