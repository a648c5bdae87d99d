import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * A role as a grant target whose grants land in one customer-managed policy instead of the role's inline default
 * policy, so `table.grant(...)` and friends stay usable while the NIST/HIPAA/PCI IAMNoInlinePolicy rules hold.
 * The policy is created on the first grant: an empty managed policy is invalid.
 */
export class ManagedPolicyPrincipal extends iam.PrincipalBase {
  override readonly principalAccount: string | undefined;
  private policy?: iam.ManagedPolicy;

  constructor(
    private readonly scope: Construct,
    private readonly role: iam.Role,
  ) {
    super();
    this.principalAccount = role.principalAccount;
  }

  get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  /** The policy holding every granted statement; undefined until something is granted. */
  get managedPolicy(): iam.ManagedPolicy | undefined {
    return this.policy;
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy ??= new iam.ManagedPolicy(this.scope, 'Policy', { roles: [this.role] });
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  /** Never used in trust policies, so there is nothing to deduplicate. */
  dedupeString(): string | undefined {
    return undefined;
  }
}
