import { AdminDisableUserCommand, AdminGetUserCommand, AdminUserGlobalSignOutCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UsageError } from '../smoke/args';
import { IncidentContext, isAwsNotFound, userPoolIdOf } from './context';

/**
 * `revoke-user <username>`: sign the user out everywhere (Cognito revokes its refresh tokens, so no new access tokens;
 * the services refuse tokens older than the pool's access-token lifetime), then disable it so it cannot sign in again.
 * A disabled user was signed out when the toolkit disabled it, so a rerun changes nothing.
 */
export async function revokeUser(context: IncidentContext, username: string): Promise<void> {
  const { cognito } = context.aws;
  const userPoolId = await userPoolIdOf(context);
  let enabled: boolean;
  try {
    enabled = (await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }))).Enabled !== false;
  } catch (err) {
    if ((err as Error).name === 'UserNotFoundException') {
      throw new UsageError(
        `user "${username}" not found in user pool ${userPoolId}: pass the username (or its sub) as Cognito lists it (aws cognito-idp list-users)`,
      );
    }
    if (isAwsNotFound(err))
      throw new UsageError(`user pool ${userPoolId} not found in ${context.region}: check --user-pool-id, --profile and AWS_REGION`);
    throw err;
  }
  const target = `${userPoolId}/${username}`;
  if (!enabled) {
    context.steps.unchanged('global-sign-out', target, 'the user is disabled: signed out when it was disabled, and cannot sign in');
    context.steps.unchanged('disable-user', target, 'already disabled');
    return;
  }
  await context.steps.change('global-sign-out', target, 'revoke every refresh token of the user (global sign-out)', () =>
    cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username })),
  );
  await context.steps.change('disable-user', target, 'disable the user: no sign-in until an administrator enables it', () =>
    cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username })),
  );
}
