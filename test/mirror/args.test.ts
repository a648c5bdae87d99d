import { ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseMirrorArgs } from '../../scripts/mirror/args';
import { runMirrorCli } from '../../scripts/mirror/cli';
import { UsageError } from '../../scripts/usage-error';

const ACCOUNT = '123456789012';
const NO_CONTEXT = () => undefined;
const USAGE = 'npm run mirror -- [--apply] [--record] [--profile dev|prod] [--account <id> --region <region>]';

describe('parseMirrorArgs', () => {
  test('a dry run of the dev profile unless told otherwise; account and region from flags, context or environment', () => {
    expect(parseMirrorArgs(['--account', ACCOUNT, '--region=eu-west-1'], {}, NO_CONTEXT)).toEqual({
      profile: 'dev',
      account: ACCOUNT,
      region: 'eu-west-1',
      apply: false,
      record: false,
    });
    expect(
      parseMirrorArgs(['--apply', '--record', '--profile', 'prod'], { CDK_DEFAULT_ACCOUNT: ACCOUNT, AWS_REGION: 'us-east-1' }, NO_CONTEXT),
    ).toEqual({
      profile: 'prod',
      account: ACCOUNT,
      region: 'us-east-1',
      apply: true,
      record: true,
    });
    const context = (key: string) => ({ account: '210987654321', region: 'eu-central-1' })[key];
    expect(parseMirrorArgs([], { CDK_DEFAULT_ACCOUNT: ACCOUNT, AWS_REGION: 'us-east-1' }, context)).toMatchObject({
      account: '210987654321',
      region: 'eu-central-1',
    });
    expect(parseMirrorArgs([], { AWS_ACCOUNT_ID: ACCOUNT, AWS_DEFAULT_REGION: 'ap-south-1' }, NO_CONTEXT)).toMatchObject({
      account: ACCOUNT,
      region: 'ap-south-1',
    });
  });

  test.each([
    [['--force'], {}, `unknown argument "--force": ${USAGE}`],
    [['--apply=yes'], {}, `unknown argument "--apply=yes": ${USAGE}`],
    [['eu-west-1'], {}, `unknown argument "eu-west-1": ${USAGE}`],
    [['--account'], {}, `--account needs a value: ${USAGE}`],
    [['--region', '--apply'], {}, `--region needs a value: ${USAGE}`],
    [['--profile', 'staging'], {}, '--profile is "staging": use --profile dev|prod'],
    [
      ['--region', 'eu-west-1'],
      {},
      'no account: pass --account <12-digit id> of the account the platform deploys to (or set CDK_DEFAULT_ACCOUNT)',
    ],
    [['--account', '1234'], {}, '--account is "1234": use the 12-digit id of the account the platform deploys to'],
    [
      [],
      { CDK_DEFAULT_ACCOUNT: '111111111111' },
      'CDK_DEFAULT_ACCOUNT is "111111111111": use the 12-digit id of the account the platform deploys to',
    ],
    [['--account', ACCOUNT], {}, 'no region: pass --region <region> (or set AWS_REGION), e.g. --region eu-west-1'],
    [['--account', ACCOUNT], { AWS_REGION: 'Ireland' }, 'AWS_REGION is "Ireland": use a region name such as eu-west-1'],
  ])('%j with %j is refused with one line naming the argument and the fix', (argv, env, message) => {
    expect(() => parseMirrorArgs(argv, env, NO_CONTEXT)).toThrow(new UsageError(message));
  });
});

test('bad usage does nothing: no AWS call, no request, exit code 2', async () => {
  const ecr = mockClient(ECRClient);
  const fetch = jest.fn();
  const err: string[] = [];
  const code = await runMirrorCli({
    argv: ['--apply', '--acount', ACCOUNT],
    env: { AWS_REGION: 'eu-west-1' },
    out: () => undefined,
    err: (line) => err.push(line),
    ecr: new ECRClient({ region: 'eu-west-1' }),
    fetch,
  });
  expect([code, err]).toEqual([2, [`mirror: unknown argument "--acount": ${USAGE}`]]);
  expect(ecr.calls()).toHaveLength(0);
  expect(fetch).not.toHaveBeenCalled();
  ecr.restore();
});

test('the CLI answers bad usage with one line on stderr and exit code 2, no stack trace', () => {
  const root = join(__dirname, '..', '..');
  const cli = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'run-ts.mjs'), join(root, 'scripts', 'mirror.ts'), '--region', 'eu-west-1'],
    {
      cwd: root,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  expect([cli.status, cli.stdout, cli.stderr]).toEqual([
    2,
    '',
    'mirror: no account: pass --account <12-digit id> of the account the platform deploys to (or set CDK_DEFAULT_ACCOUNT)\n',
  ]);
});
