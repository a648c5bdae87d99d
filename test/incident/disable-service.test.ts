import {
  DeletePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  ListPodIdentityAssociationsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { GetRolePolicyCommand, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { FakeCluster, fakeKube, mocks, resetAws, runIncident, sent, sentNames, summary } from './support';

const ROLE_ARN = 'arn:aws:iam::111111111111:role/dev-platform-data-IdentitiesordersA1B2C3-XyZ';
const DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Sid":"IncidentDenyAll","Effect":"Deny","Action":"*","Resource":"*"}]}';

function cluster(): FakeCluster {
  return {
    pods: [],
    services: [],
    networkPolicies: [],
    nodes: [],
    serviceAccounts: [
      { metadata: { name: 'orders', namespace: 'shop', annotations: { 'platform.internal/pod-identity-role-arn': ROLE_ARN } } },
    ],
    logs: {},
  };
}

/** EKS and IAM as stateful mocks: the association exists until deleted, the inline policy once put. */
function awsState(): { associations: string[]; policy?: string } {
  const state: { associations: string[]; policy?: string } = { associations: ['a-1'] };
  mocks.eks
    .on(ListPodIdentityAssociationsCommand, { clusterName: 'dev-platform', namespace: 'shop', serviceAccount: 'orders' })
    .callsFake(async () => ({ associations: state.associations.map((associationId) => ({ associationId })) }));
  mocks.eks
    .on(DescribePodIdentityAssociationCommand)
    .callsFake(async ({ associationId }) => ({ association: { associationId, roleArn: ROLE_ARN } }));
  mocks.eks.on(DeletePodIdentityAssociationCommand).callsFake(async ({ associationId }) => {
    state.associations = state.associations.filter((id) => id !== associationId);
    return {};
  });
  mocks.iam.on(GetRolePolicyCommand).callsFake(async () => {
    if (!state.policy) throw new NoSuchEntityException({ message: 'not found', $metadata: {} });
    return { PolicyDocument: encodeURIComponent(state.policy) };
  });
  mocks.iam.on(PutRolePolicyCommand).callsFake(async ({ PolicyDocument }) => {
    state.policy = PolicyDocument;
    return {};
  });
  return state;
}

const MUTATIONS = ['PutRolePolicy', 'DeletePodIdentityAssociation'];

beforeEach(() => resetAws());

test('dry run: finds the role and the association, changes nothing', async () => {
  awsState();
  const { code, records } = await runIncident(['disable-service', 'orders'], fakeKube(cluster()).api);
  expect(code).toBe(0);
  expect(summary(records)).toEqual([`deny-role ${ROLE_ARN} planned`, 'delete-association dev-platform/a-1 planned']);
  expect(sentNames().filter((name) => MUTATIONS.includes(name))).toEqual([]);
});

test('apply: an explicit deny-all inline policy on the role, then the association deleted', async () => {
  awsState();
  const { code, records } = await runIncident(['disable-service', 'orders', '--apply'], fakeKube(cluster()).api);
  expect(code).toBe(0);
  expect(summary(records)).toEqual([`deny-role ${ROLE_ARN} changed`, 'delete-association dev-platform/a-1 changed']);
  const roleName = 'dev-platform-data-IdentitiesordersA1B2C3-XyZ';
  expect(sent(mocks.iam)).toEqual([
    ['GetRolePolicy', { RoleName: roleName, PolicyName: 'incident-deny-all' }],
    ['PutRolePolicy', { RoleName: roleName, PolicyName: 'incident-deny-all', PolicyDocument: DENY_ALL }],
  ]);
  expect(sent(mocks.eks)).toEqual([
    ['ListPodIdentityAssociations', { clusterName: 'dev-platform', namespace: 'shop', serviceAccount: 'orders' }],
    ['DescribePodIdentityAssociation', { clusterName: 'dev-platform', associationId: 'a-1' }],
    ['DeletePodIdentityAssociation', { clusterName: 'dev-platform', associationId: 'a-1' }],
  ]);
});

test('a rerun after apply finds the role through the ServiceAccount annotation, changes nothing and says so', async () => {
  awsState();
  await runIncident(['disable-service', 'orders', '--apply'], fakeKube(cluster()).api);
  mocks.iam.resetHistory();
  mocks.eks.resetHistory();
  const { code, records } = await runIncident(['disable-service', 'orders', '--apply'], fakeKube(cluster()).api);
  expect(code).toBe(0);
  expect(records.map((r) => `${r.step} ${r.status}`)).toEqual(['deny-role unchanged', 'delete-association unchanged']);
  expect(sentNames().filter((name) => MUTATIONS.includes(name))).toEqual([]);
});

test('bad input: an unknown service exits 2 before any call', async () => {
  const { code, err, records } = await runIncident(['disable-service', 'payments', '--apply']);
  expect(code).toBe(2);
  expect(err).toEqual(['incident: unknown service "payments": name a service of the catalogue (orders, inventory)']);
  expect(records).toEqual([]);
  expect(sentNames()).toEqual([]);
});

test('bad input: a cluster that is not there (wrong --profile or region) exits 2, nothing changed', async () => {
  mocks.eks.on(ListPodIdentityAssociationsCommand).rejects(new ResourceNotFoundException({ message: 'No cluster found', $metadata: {} }));
  const { code, err } = await runIncident(['disable-service', 'orders', '--apply', '--profile', 'prod'], fakeKube(cluster()).api);
  expect(code).toBe(2);
  expect(err).toEqual(['incident: cluster prod-platform not found in eu-west-1: check --profile (prod) and AWS_REGION']);
  expect(sentNames().filter((name) => MUTATIONS.includes(name))).toEqual([]);
});
