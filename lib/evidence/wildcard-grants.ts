import { IConstruct } from 'constructs';
import { list, StatementJson } from './policy-evaluator';
import { constructPaths } from './permissions-table';
import { placeholder, SynthesizedPolicies } from './synthesized-policies';

/** An Allow statement somewhere in the app whose Action or Resource is exactly `*`. */
export interface WildcardGrant {
  /** Construct path of the resource holding the policy. */
  readonly path: string;
  readonly resourceType: string;
  /** `Action::*` and/or `Resource::*`, as cdk-nag's AwsSolutions-IAM5 names them. */
  readonly wildcards: readonly string[];
  readonly statement: StatementJson;
}

/**
 * Every Allow of `*` actions or `*` resources in the synthesized app. Deny statements are left out (a deny on
 * everything only removes access), and so is `Resource: "*"` in a KMS key policy, where it means the key itself.
 */
export function wildcardGrants(root: IConstruct, policies: SynthesizedPolicies): WildcardGrant[] {
  const paths = constructPaths(root);
  return policies.allPolicyDocuments().flatMap(({ stackName, logicalId, type, statements }) =>
    statements.flatMap((statement) => {
      if (statement.Effect !== 'Allow') return [];
      const wildcards = [
        ...(list(statement.Action).includes('*') ? ['Action::*'] : []),
        ...(list(statement.Resource).includes('*') && type !== 'AWS::KMS::Key' ? ['Resource::*'] : []),
      ];
      if (wildcards.length === 0) return [];
      return [
        { path: paths.get(placeholder(stackName, logicalId)) ?? `${stackName}/${logicalId}`, resourceType: type, wildcards, statement },
      ];
    }),
  );
}
