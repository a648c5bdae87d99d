import {
  AddUserPoolClientSecretCommand,
  ClientSecretDescriptorType,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { CLIENT_SECRET_ID_TAG } from '../../scripts/incident/rotate-client';
import { mocks, NOW, resetAws, runIncident, sent, sentNames, summary, USER_POOL_ID } from './support';

const SECRET_ID = 'dev-platform/machine-client';
const OLD = { ClientSecretId: 'machine-client-id--1700000000', ClientSecretCreateDate: new Date('2026-06-01T00:00:00Z') };

/** Cognito's client secrets and the Secrets Manager secret, as stateful mocks. */
function secrets(initial: ClientSecretDescriptorType[] = [OLD]): { secrets: ClientSecretDescriptorType[]; stored?: string; tag?: string } {
  const state: { secrets: ClientSecretDescriptorType[]; stored?: string; tag?: string } = { secrets: [...initial] };
  mocks.cognito
    .on(ListUserPoolClientSecretsCommand, { UserPoolId: USER_POOL_ID, ClientId: 'machine-client-id' })
    .callsFake(async () => ({ ClientSecrets: state.secrets }));
  mocks.cognito.on(AddUserPoolClientSecretCommand).callsFake(async () => {
    const created = { ClientSecretId: 'machine-client-id--1780601400', ClientSecretCreateDate: NOW, ClientSecretValue: 'new-secret-value' };
    state.secrets.push({ ClientSecretId: created.ClientSecretId, ClientSecretCreateDate: created.ClientSecretCreateDate });
    return { ClientSecretDescriptor: created };
  });
  mocks.cognito.on(DeleteUserPoolClientSecretCommand).callsFake(async ({ ClientSecretId }) => {
    state.secrets = state.secrets.filter((s) => s.ClientSecretId !== ClientSecretId);
    return {};
  });
  mocks.secrets
    .on(DescribeSecretCommand, { SecretId: SECRET_ID })
    .callsFake(async () => ({ Name: SECRET_ID, Tags: state.tag ? [{ Key: CLIENT_SECRET_ID_TAG, Value: state.tag }] : [] }));
  mocks.secrets.on(PutSecretValueCommand).callsFake(async ({ SecretString }) => {
    state.stored = SecretString;
    return {};
  });
  mocks.secrets.on(TagResourceCommand).callsFake(async ({ Tags }) => {
    state.tag = Tags?.find((tag: { Key?: string }) => tag.Key === CLIENT_SECRET_ID_TAG)?.Value;
    return {};
  });
  return state;
}

const MUTATIONS = ['AddUserPoolClientSecret', 'DeleteUserPoolClientSecret', 'PutSecretValue', 'TagResource'];

beforeEach(() => resetAws());

test('dry run: plans the rotation, changes nothing', async () => {
  secrets();
  const { code, records } = await runIncident(['rotate-client', 'machine']);
  expect(code).toBe(0);
  expect(summary(records)).toEqual([
    `add-secret ${USER_POOL_ID}/machine-client-id planned`,
    `store-secret ${SECRET_ID} planned`,
    `delete-old-secret ${USER_POOL_ID}/machine-client-id/${OLD.ClientSecretId} planned`,
  ]);
  expect(sentNames().filter((name) => MUTATIONS.includes(name))).toEqual([]);
});

test('apply: a new Cognito secret, stored in Secrets Manager, then the old one deleted; the value is never printed', async () => {
  const state = secrets();
  const { code, records } = await runIncident(['rotate-client', 'machine', '--apply']);
  expect(code).toBe(0);
  expect(records.map((r) => r.status)).toEqual(['changed', 'changed', 'changed']);
  expect(sent(mocks.cognito)).toEqual([
    ['ListUserPoolClientSecrets', { UserPoolId: USER_POOL_ID, ClientId: 'machine-client-id' }],
    ['AddUserPoolClientSecret', { UserPoolId: USER_POOL_ID, ClientId: 'machine-client-id' }],
    ['DeleteUserPoolClientSecret', { UserPoolId: USER_POOL_ID, ClientId: 'machine-client-id', ClientSecretId: OLD.ClientSecretId }],
  ]);
  expect(sent(mocks.secrets)).toEqual([
    ['DescribeSecret', { SecretId: SECRET_ID }],
    // The value alone, as the Edge stack stores it, so every reader keeps reading it the same way.
    ['PutSecretValue', { SecretId: SECRET_ID, SecretString: 'new-secret-value' }],
    ['TagResource', { SecretId: SECRET_ID, Tags: [{ Key: CLIENT_SECRET_ID_TAG, Value: 'machine-client-id--1780601400' }] }],
  ]);
  expect(state.secrets.map((s) => s.ClientSecretId)).toEqual(['machine-client-id--1780601400']);
  expect(JSON.stringify(records)).not.toContain('new-secret-value');
});

test('with two secrets already, the oldest goes first to make room (Cognito keeps two)', async () => {
  const other = { ClientSecretId: 'machine-client-id--1750000000', ClientSecretCreateDate: new Date('2026-09-01T00:00:00Z') };
  secrets([other, OLD]);
  const { records } = await runIncident(['rotate-client', 'machine', '--apply']);
  expect(records.map((r) => `${r.step} ${r.target.split('/').pop()}`)).toEqual([
    `delete-old-secret ${OLD.ClientSecretId}`,
    'add-secret machine-client-id',
    `store-secret machine-client`,
    `delete-old-secret ${other.ClientSecretId}`,
  ]);
});

test('a rerun after apply changes nothing and says so', async () => {
  secrets();
  await runIncident(['rotate-client', 'machine', '--apply']);
  mocks.cognito.resetHistory();
  mocks.secrets.resetHistory();
  const { code, records } = await runIncident(['rotate-client', 'machine', '--apply']);
  expect(code).toBe(0);
  expect(records.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  expect(sentNames().filter((name) => MUTATIONS.includes(name))).toEqual([]);
});

test('after the rerun window the same command rotates again: a stored secret can leak too', async () => {
  secrets();
  await runIncident(['rotate-client', 'machine', '--apply']);
  const later = new Date(NOW.getTime() + 2 * 60 * 60 * 1000);
  const { records } = await runIncident(['rotate-client', 'machine'], undefined, later);
  expect(records.map((r) => `${r.step} ${r.status}`)).toEqual(['add-secret planned', 'store-secret planned', 'delete-old-secret planned']);
});

test('--secret-id names another secret', async () => {
  secrets();
  mocks.secrets.on(DescribeSecretCommand, { SecretId: 'team-a/machine' }).resolves({ Name: 'team-a/machine' });
  const { records } = await runIncident(['rotate-client', 'machine', '--secret-id=team-a/machine']);
  expect(records[1].target).toBe('team-a/machine');
});

test.each([
  [
    ['rotate-client', 'partner-z', '--apply'],
    'incident: unknown client "partner-z": name "machine" or a client configured in edge.clients (the Edge stack has no output ApiClientPartnerZAppClientId)',
  ],
  [
    ['rotate-client', 'machine', '--apply', '--secret-id', 'missing'],
    "incident: secret missing not found: pass --secret-id <name or ARN> of the secret the client's consumers read",
  ],
])('bad input %j: exit 2, one line naming it and the fix, nothing changed', async (argv, message) => {
  secrets();
  mocks.secrets
    .on(DescribeSecretCommand, { SecretId: 'missing' })
    .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
  const { code, err, records } = await runIncident(argv);
  expect(code).toBe(2);
  expect(err).toEqual([message]);
  expect(records).toEqual([]);
  expect(sentNames().filter((name) => MUTATIONS.includes(name))).toEqual([]);
});
