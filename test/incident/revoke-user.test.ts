import {
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mocks, resetAws, runIncident, sent, summary, USER_POOL_ID } from './support';

/** Cognito as a stateful mock: the user is enabled until disabled. */
function user(): { enabled: boolean } {
  const state = { enabled: true };
  mocks.cognito
    .on(AdminGetUserCommand, { UserPoolId: USER_POOL_ID, Username: 'alice' })
    .callsFake(async () => ({ Username: 'alice', Enabled: state.enabled }));
  mocks.cognito.on(AdminUserGlobalSignOutCommand).resolves({});
  mocks.cognito.on(AdminDisableUserCommand).callsFake(async () => {
    state.enabled = false;
    return {};
  });
  return state;
}

const MUTATIONS = ['AdminUserGlobalSignOut', 'AdminDisableUser'];
const cognitoCalls = () => sent(mocks.cognito);

beforeEach(() => resetAws());

test('dry run: reads the user, changes nothing', async () => {
  user();
  const { code, records } = await runIncident(['revoke-user', 'alice']);
  expect(code).toBe(0);
  expect(summary(records)).toEqual([`global-sign-out ${USER_POOL_ID}/alice planned`, `disable-user ${USER_POOL_ID}/alice planned`]);
  expect(cognitoCalls()).toEqual([['AdminGetUser', { UserPoolId: USER_POOL_ID, Username: 'alice' }]]);
});

test('apply: global sign-out, then disable, in the pool the Edge stack names', async () => {
  const state = user();
  const { code, records } = await runIncident(['revoke-user', 'alice', '--apply']);
  expect(code).toBe(0);
  expect(records.map((r) => r.status)).toEqual(['changed', 'changed']);
  expect(cognitoCalls()).toEqual([
    ['AdminGetUser', { UserPoolId: USER_POOL_ID, Username: 'alice' }],
    ['AdminUserGlobalSignOut', { UserPoolId: USER_POOL_ID, Username: 'alice' }],
    ['AdminDisableUser', { UserPoolId: USER_POOL_ID, Username: 'alice' }],
  ]);
  expect(state.enabled).toBe(false);
});

test('--user-pool-id names the pool without reading the Edge stack', async () => {
  mocks.cognito
    .on(AdminGetUserCommand, { UserPoolId: 'eu-west-1_Other', Username: 'alice' })
    .resolves({ Username: 'alice', Enabled: true });
  const { code } = await runIncident(['revoke-user', 'alice', '--user-pool-id', 'eu-west-1_Other']);
  expect(code).toBe(0);
  expect(sent(mocks.cloudFormation)).toEqual([]);
});

test('a rerun after apply changes nothing and says so', async () => {
  user();
  await runIncident(['revoke-user', 'alice', '--apply']);
  mocks.cognito.resetHistory();
  const { code, records } = await runIncident(['revoke-user', 'alice', '--apply']);
  expect(code).toBe(0);
  expect(records.map((r) => `${r.step} ${r.status}`)).toEqual(['global-sign-out unchanged', 'disable-user unchanged']);
  expect(cognitoCalls().filter(([name]) => MUTATIONS.includes(name))).toEqual([]);
});

test('bad input: a user pool that is not there exits 2 naming the flags to check', async () => {
  mocks.cognito.on(AdminGetUserCommand).rejects(new ResourceNotFoundException({ message: 'User pool does not exist.', $metadata: {} }));
  const { code, err } = await runIncident(['revoke-user', 'alice', '--user-pool-id', 'eu-west-1_Gone', '--apply']);
  expect(code).toBe(2);
  expect(err).toEqual(['incident: user pool eu-west-1_Gone not found in eu-west-1: check --user-pool-id, --profile and AWS_REGION']);
  expect(cognitoCalls().filter(([name]) => MUTATIONS.includes(name))).toEqual([]);
});

test('bad input: an unknown user exits 2 with the fix, nothing changed', async () => {
  mocks.cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
  const { code, err, records } = await runIncident(['revoke-user', 'mallory', '--apply']);
  expect(code).toBe(2);
  expect(err).toEqual([
    `incident: user "mallory" not found in user pool ${USER_POOL_ID}: pass the username (or its sub) as Cognito lists it (aws cognito-idp list-users)`,
  ]);
  expect(records).toEqual([]);
  expect(cognitoCalls().filter(([name]) => MUTATIONS.includes(name))).toEqual([]);
});
