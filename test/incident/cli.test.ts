import { runIncidentCli } from '../../scripts/incident/cli';
import { CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsClients, mocks, resetAws, sentNames } from './support';

async function run(argv: string[], env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1' }) {
  const out: string[] = [];
  const err: string[] = [];
  const kube = () => {
    throw new Error('no Kubernetes call expected');
  };
  const code = await runIncidentCli({ argv, env, out: (l) => out.push(l), err: (l) => err.push(l), aws: awsClients(), kube });
  return { code, out, err };
}

beforeEach(() => resetAws());

test.each([
  [
    [],
    'incident: no action: usage: npm run incident -- <action> <target> [--apply] [--profile dev|prod]; actions: quarantine-pod <namespace>/<pod>, revoke-user <username>, disable-service <service>, rotate-client <client>, collect <namespace>/<pod>',
  ],
  [['isolate', 'shop/x'], 'incident: unknown action "isolate": usage:'],
  [['revoke-user', 'alice', '--profile', 'staging'], 'incident: --profile is "staging": use --profile dev|prod'],
  [['revoke-user', 'alice', '--user-pool-id'], 'incident: --user-pool-id needs a value, e.g. --user-pool-id=<value>'],
  [['revoke-user', 'alice', 'bob'], 'incident: revoke-user takes one <username>, got 2: npm run incident -- revoke-user <username>'],
  [
    ['disable-service', 'orders', '--secret-id', 'x'],
    'incident: unknown option "--secret-id" for disable-service: it takes --apply, --profile',
  ],
])('%j: exit 2, one line naming the argument and the fix, no call', async (argv, message) => {
  const { code, out, err } = await run(argv);
  expect(code).toBe(2);
  expect(out).toEqual([]);
  expect(err).toHaveLength(1);
  expect(err[0].startsWith(message)).toBe(true);
  expect(sentNames()).toEqual([]);
});

test('without AWS_REGION: exit 2 naming the variable', async () => {
  const { code, err } = await run(['revoke-user', 'alice'], {});
  expect(code).toBe(2);
  expect(err).toEqual([
    'incident: AWS_REGION is not set (nor AWS_DEFAULT_REGION): set it to the region the platform is deployed in, e.g. AWS_REGION=eu-west-1 npm run incident',
  ]);
});

test('a platform not deployed where asked: exit 1 naming the stack, the region and the fix', async () => {
  mocks.cloudFormation.on(DescribeStacksCommand, { StackName: 'prod-platform-edge' }).rejects(
    new CloudFormationServiceException({
      name: 'ValidationError',
      $fault: 'client',
      $metadata: {},
      message: 'Stack with id prod-platform-edge does not exist',
    }),
  );
  const { code, err } = await run(['revoke-user', 'alice', '--profile=prod']);
  expect(code).toBe(1);
  expect(err).toHaveLength(1);
  expect(err[0]).toMatch(/^incident: stack prod-platform-edge does not exist in eu-west-1/);
});
