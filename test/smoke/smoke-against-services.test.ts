import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { CheckResult } from '../../scripts/smoke/checks';
import { runSmokeCli } from '../../scripts/smoke/cli';
import { summaryLines } from '../../scripts/smoke/report';
import { runSmoke } from '../../scripts/smoke/run-smoke';
import { startTestStack, TestStack } from './support/test-stack';

/** The smoke test against the real service bundles behind the real edge, with a local token endpoint. */
let stack: TestStack;
const cloudFormationMock = mockClient(CloudFormationClient);
const cognitoMock = mockClient(CognitoIdentityProviderClient);

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  cloudFormationMock.restore();
  cognitoMock.restore();
  await stack?.close();
});

const failedNames = (results: readonly CheckResult[]) => results.filter((r) => !r.passed).map((r) => r.name);

test('every check passes against the healthy stack, and again on a rerun (fresh ids, no 409)', async () => {
  for (const run of [1, 2]) {
    const results = await runSmoke({ target: stack.target, ca: stack.ca });
    expect({ run, failed: failedNames(results) }).toEqual({ run, failed: [] });
    const publicRoutes = SERVICE_CATALOGUE.services.flatMap((s) => s.routes).filter((r) => r.public);
    expect(results.filter((r) => r.kind === 'allowed')).toHaveLength(publicRoutes.length);
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(['token', 'allowed', 'no-token', 'wrong-scope', 'invalid-body']));
  }
});

test('TLS is verified: without the CA the run stops at the token endpoint, naming a certificate error', async () => {
  const results = await runSmoke({ target: stack.target });
  expect(results.every((r) => r.kind === 'token' && !r.passed)).toBe(true);
  expect(results[0].outcome).toMatchObject({ networkError: expect.stringMatching(/CERT|VERIFY|SIGN|ISSUER/) });
});

describe('npm run smoke, with the stack found through (mocked) CloudFormation and Cognito', () => {
  const clientSecret = () => stack.target.clientSecret;

  function deployedWithSecret(secret: string): void {
    const outputs = {
      ApiUrl: stack.target.apiUrl,
      TokenUrl: stack.target.tokenUrl,
      UserPoolId: 'us-east-1_TestPool1',
      MachineClientId: stack.target.clientId,
    };
    cloudFormationMock
      .reset()
      .on(DescribeStacksCommand, { StackName: 'prod-platform-edge' })
      .resolves({
        Stacks: [
          {
            StackName: 'prod-platform-edge',
            StackStatus: 'UPDATE_COMPLETE',
            CreationTime: new Date(),
            Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
          },
        ],
      });
    cognitoMock
      .reset()
      .on(DescribeUserPoolClientCommand, { UserPoolId: 'us-east-1_TestPool1', ClientId: stack.target.clientId })
      .resolves({ UserPoolClient: { ClientId: stack.target.clientId, ClientSecret: secret } });
  }

  async function cli(): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSmokeCli({
      argv: ['--profile', 'prod'],
      env: { AWS_REGION: 'us-east-1' },
      ca: stack.ca,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out, err };
  }

  test('passes with exit code 0: a header, one line per check, a summary; the secret is never printed', async () => {
    deployedWithSecret(clientSecret());
    const { code, out, err } = await cli();
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toBe(
      `smoke test of prod-platform-edge in us-east-1: API ${stack.target.apiUrl}, token endpoint ${stack.target.tokenUrl}, client ${stack.target.clientId}`,
    );
    expect(out.slice(1, -1).every((line) => /^PASS {2}.+ {2}expected \S+ +got \d{3} +\d+ ms$/.test(line))).toBe(true);
    expect(out.at(-1)).toBe(`all ${out.length - 2} checks passed`);
    expect([...out, ...err].join('\n')).not.toContain(clientSecret());
  });

  test('a wrong client secret: the token endpoint answers 401, exit code 1, likely cause "wrong client or pool"', async () => {
    deployedWithSecret('not-the-secret');
    const { code, out, err } = await cli();
    expect(code).toBe(1);
    expect(out.filter((line) => line.startsWith('FAIL')).every((line) => /^FAIL {2}token for .* got 401 invalid_client/.test(line))).toBe(
      true,
    );
    expect(err).toEqual([
      expect.stringMatching(/^FAILED 3 of 3 checks:$/),
      expect.stringMatching(/^- token for .* \(got 401 invalid_client\)/),
      expect.stringMatching(/^ {2}likely cause: wrong client or pool: MachineClientId and its secret are not a client of the user pool/),
      'the API was not called: every check needs a token first',
    ]);
    expect([...out, ...err].join('\n')).not.toContain('not-the-secret');
  });

  test('a platform that cannot be found: exit code 1 and one line naming the stack and the likely causes, no checks run', async () => {
    cloudFormationMock
      .reset()
      .on(DescribeStacksCommand)
      .rejects(
        new CloudFormationServiceException({
          name: 'ValidationError',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'Stack with id prod-platform-edge does not exist',
        }),
      );
    const { code, out, err } = await cli();
    expect({ code, out }).toEqual({ code: 1, out: [] });
    expect(err).toEqual([
      expect.stringMatching(/^smoke: stack prod-platform-edge does not exist in us-east-1 for these credentials: .*check --profile/),
    ]);
  });
});

// Last: it stops inventory for the rest of this file.
test('inventory stopped: its routes and POST /orders fail with 5xx, blamed on the ingress path; the refusals still pass', async () => {
  await stack.stop('inventory');
  const results = await runSmoke({ target: stack.target, ca: stack.ca });
  const throughInventory = [
    'PUT /inventory/{sku} with all public scopes',
    'GET /inventory/{sku} with all public scopes',
    'POST /orders with all public scopes',
  ];
  const statusOf = (name: string) => (results.find((r) => r.name === name)!.outcome as { status?: number }).status;
  expect(throughInventory.map((name) => [name, statusOf(name) === 502 || statusOf(name) === 503])).toEqual(
    throughInventory.map((name) => [name, true]),
  );
  expect(results.filter((r) => r.kind === 'no-token' || r.kind === 'wrong-scope').every((r) => r.passed)).toBe(true);
  expect(summaryLines(results).join('\n')).toMatch(
    /- PUT \/inventory\/\{sku\} with all public scopes \(got 50[23]\).*\n {2}likely cause: .*ingress certificate.*in-cluster ingress/,
  );
});
