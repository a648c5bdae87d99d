import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as path from 'path';
import { Construct } from 'constructs';
import { inlineFunctionCode } from '../private/inline-function-code';
import { inlineFunction } from '../private/inline-function';
import { GroupScopes, ProviderGroups, TOKEN_SCOPES_ENV } from '../private/token-scopes-trigger';

/** A role of the platform's users: a Cognito group and the API scopes its members' access tokens carry. */
export interface UserGroupDefinition {
  /** The Cognito group name: lowercase letters, digits and single hyphens, starting with a letter (2–64 characters). */
  readonly name: string;
  /** The scopes the group grants, as `<service>/<scope>` of the catalogue (e.g. `orders/read`). */
  readonly scopes: readonly string[];
  /** Shown in the Cognito console. @default - the scopes it grants */
  readonly description?: string;
}

export interface UserGroupsProps {
  /** The pool whose groups these are; it must have the Essentials or Plus feature plan (access-token customization). */
  readonly userPool: cognito.UserPool;
  readonly groups: readonly UserGroupDefinition[];
  /**
   * Per identity provider, the Cognito groups each value of its group claim places a federated user in.
   * @default {} - federated users get only the groups an administrator adds them to
   */
  readonly providerGroups?: ProviderGroups;
  /** Where the trigger logs: an encrypted log group with retention (CentralLogging.createLogGroup). */
  readonly logGroup: logs.ILogGroup;
}

/** The trigger's inline code, from its one dependency-free TypeScript file. */
export function tokenScopesTriggerCode(): string {
  return inlineFunctionCode(path.join('lib', 'private', 'token-scopes-trigger.ts'));
}

/**
 * Roles for users: one Cognito group per definition, and a pre token generation trigger (event V2_0, access-token
 * customization) that sets the API scopes of every user access token to exactly what the user's groups grant; a user
 * in no group gets none. Federated users' groups can also come from their identity provider's group claim
 * (`providerGroups`). The trigger calls no AWS API: its role may only write its own log group.
 */
export class UserGroups extends Construct {
  /** The Cognito groups, by name. */
  readonly groups: ReadonlyMap<string, cognito.CfnUserPoolGroup>;
  readonly trigger: lambda.Function;

  constructor(scope: Construct, id: string, props: UserGroupsProps) {
    super(scope, id);
    const groups = new Map<string, cognito.CfnUserPoolGroup>();
    for (const group of props.groups) {
      groups.set(
        group.name,
        new cognito.CfnUserPoolGroup(this, group.name, {
          userPoolId: props.userPool.userPoolId,
          groupName: group.name,
          description: group.description ?? `Grants ${group.scopes.join(', ')}`,
        }),
      );
    }
    this.groups = groups;

    const grants: GroupScopes = Object.fromEntries(props.groups.map((g) => [g.name, [...g.scopes].sort()]));
    this.trigger = inlineFunction(this, 'Trigger', {
      description: "Sets a user access token's API scopes to what the user's groups grant",
      roleDescription: 'Pre token generation trigger: writes its own log group, nothing else',
      code: tokenScopesTriggerCode(),
      // Cognito waits at most 5 seconds for a trigger; the function only computes.
      timeout: Duration.seconds(5),
      environment: {
        [TOKEN_SCOPES_ENV.groupScopes]: JSON.stringify(grants),
        [TOKEN_SCOPES_ENV.providerGroups]: JSON.stringify(props.providerGroups ?? {}),
      },
      logGroup: props.logGroup,
    }).fn;
    props.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.trigger, cognito.LambdaVersion.V2_0);
  }
}
