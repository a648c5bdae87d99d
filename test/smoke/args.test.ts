import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseSmokeArgs, UsageError } from '../../scripts/smoke/args';

const REGION = { AWS_REGION: 'us-east-1' };

describe('--profile', () => {
  test.each([
    [[], 'dev'],
    [['--profile', 'prod'], 'prod'],
    [['--profile=prod'], 'prod'],
    [['--profile', 'prod', '--profile', 'dev'], 'dev'],
  ])('%j gives %s', (argv, profile) => {
    expect(parseSmokeArgs(argv, REGION).profile).toBe(profile);
  });

  test.each([
    [['--profile', 'staging'], '--profile is "staging": use --profile dev|prod'],
    [['--profile=constructor'], '--profile is "constructor": use --profile dev|prod'],
    [['--profile'], '--profile needs a value: use --profile dev|prod'],
    [['--profile', '--verbose'], '--profile needs a value: use --profile dev|prod'],
    [['--region', 'us-east-1'], 'unknown argument "--region": the only option is --profile dev|prod (e.g. npm run smoke -- --profile dev)'],
  ])('%j is refused with one line naming the argument and the fix', (argv, message) => {
    expect(() => parseSmokeArgs(argv, REGION)).toThrow(new UsageError(message));
  });
});

describe('region', () => {
  test('comes from AWS_REGION, else AWS_DEFAULT_REGION, as the AWS CLI reads them', () => {
    expect(parseSmokeArgs([], { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('us-east-1');
    expect(parseSmokeArgs([], { AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
  });

  test('missing: the error names AWS_REGION and how to set it', () => {
    expect(() => parseSmokeArgs([], { AWS_REGION: ' ' })).toThrow(
      /^AWS_REGION is not set \(nor AWS_DEFAULT_REGION\): set it to .*AWS_REGION=eu-west-1 npm run smoke$/,
    );
  });

  test('malformed: the error names the variable it came from', () => {
    expect(() => parseSmokeArgs([], { AWS_DEFAULT_REGION: 'Ireland' })).toThrow(
      'AWS_DEFAULT_REGION is "Ireland": set it to a region name such as eu-west-1',
    );
  });
});

test('the CLI answers bad usage with one line on stderr and exit code 2, no stack trace', () => {
  const root = join(__dirname, '..', '..');
  const cli = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'run-ts.mjs'), join(root, 'scripts', 'smoke.ts'), '--profile', 'staging'],
    { cwd: root, env: { PATH: process.env.PATH, ...REGION }, encoding: 'utf8', timeout: 20_000 },
  );
  expect([cli.status, cli.stdout, cli.stderr]).toEqual([2, '', 'smoke: --profile is "staging": use --profile dev|prod\n']);
});
