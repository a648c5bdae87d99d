import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand, Output } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { discoverTarget, DiscoveryError } from '../../scripts/smoke/discovery';

const cloudFormationMock = mockClient(CloudFormationClient);
const cognitoMock = mockClient(CognitoIdentityProviderClient);

const OUTPUTS: Record<string, string> = {
  ApiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/v1/',
  TokenUrl: 'https://dev-platform-edge-111111111111.auth.us-east-1.amazoncognito.com/oauth2/token',
  UserPoolId: 'us-east-1_AbCdEf123',
  MachineClientId: 'machine-client-id',
};

function stackWith(outputs: Record<string, string>): void {
  const Outputs: Output[] = Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  cloudFormationMock.on(DescribeStacksCommand, { StackName: 'dev-platform-edge' }).resolves({
    Stacks: [{ StackName: 'dev-platform-edge', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs }],
  });
}

const discover = () =>
  discoverTarget({
    profile: 'dev',
    region: 'us-east-1',
    cloudFormation: new CloudFormationClient({ region: 'us-east-1' }),
    cognito: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
  });

beforeEach(() => {
  cloudFormationMock.reset();
  cognitoMock.reset();
  cognitoMock
    .on(DescribeUserPoolClientCommand, { UserPoolId: 'us-east-1_AbCdEf123', ClientId: 'machine-client-id' })
    .resolves({ UserPoolClient: { ClientId: 'machine-client-id', ClientSecret: 'the-secret' } });
});

afterAll(() => {
  cloudFormationMock.restore();
  cognitoMock.restore();
});

test("reads <profile>-platform-edge's outputs and the machine client's secret from the pool they name", async () => {
  stackWith(OUTPUTS);
  expect(await discover()).toEqual({
    apiUrl: OUTPUTS.ApiUrl,
    tokenUrl: OUTPUTS.TokenUrl,
    clientId: 'machine-client-id',
    clientSecret: 'the-secret',
  });
});

test('a missing stack: the error names it, the region, and the likely causes', async () => {
  cloudFormationMock.on(DescribeStacksCommand).rejects(
    new CloudFormationServiceException({
      name: 'ValidationError',
      $fault: 'client',
      $metadata: {},
      message: 'Stack with id dev-platform-edge does not exist',
    }),
  );
  await expect(discover()).rejects.toThrow(
    new DiscoveryError(
      'stack dev-platform-edge does not exist in us-east-1 for these credentials: ' +
        'the platform is not deployed there (npx cdk deploy --all -c profile=dev), or check --profile (dev) and AWS_REGION (us-east-1)',
    ),
  );
});

test('missing outputs: the error names every missing OutputKey and the likely causes', async () => {
  stackWith({ ApiUrl: OUTPUTS.ApiUrl, UserPoolId: OUTPUTS.UserPoolId });
  await expect(discover()).rejects.toThrow(
    new DiscoveryError(
      'stack dev-platform-edge (UPDATE_COMPLETE) has no output TokenUrl, MachineClientId: ' +
        'it was deployed from an older version of this blueprint, redeploy it (npx cdk deploy --all -c profile=dev), ' +
        'or check --profile (dev) and AWS_REGION (us-east-1)',
    ),
  );
});

test('an output that is not an https URL is refused before any secret is sent to it', async () => {
  stackWith({ ...OUTPUTS, TokenUrl: 'http://auth.example.com/oauth2/token' });
  await expect(discover()).rejects.toThrow('output TokenUrl is "http://auth.example.com/oauth2/token": expected an https:// URL');
});

test('a client without a secret is not the machine client', async () => {
  stackWith(OUTPUTS);
  cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'machine-client-id' } });
  await expect(discover()).rejects.toThrow(
    /^app client machine-client-id of user pool us-east-1_AbCdEf123 has no secret: MachineClientId must name/,
  );
});

describe('other AWS errors name the action and what to check', () => {
  test.each([
    [
      'a refusal (permissions)',
      Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }),
      'cognito-idp:DescribeUserPoolClient failed (AccessDeniedException: User is not authorized): check that the credentials ' +
        "(AWS_PROFILE) are for the platform's account and allow cognito-idp:DescribeUserPoolClient",
    ],
    [
      'no credentials',
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'cognito-idp:DescribeUserPoolClient failed: no AWS credentials (Could not load credentials from any providers): ' +
        'set AWS_PROFILE, or sign in (aws sso login)',
    ],
    [
      'no answer',
      Object.assign(new Error('getaddrinfo ENOTFOUND cognito-idp.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      'cognito-idp:DescribeUserPoolClient failed: AWS did not answer (Error: getaddrinfo ENOTFOUND cognito-idp.eu-west-1.amazonaws.com): ' +
        'check the network (DNS, proxy) and AWS_REGION',
    ],
  ])('%s', async (_, error, message) => {
    stackWith(OUTPUTS);
    cognitoMock.on(DescribeUserPoolClientCommand).rejects(error);
    await expect(discover()).rejects.toThrow(new DiscoveryError(message));
  });

  test('from CloudFormation too', async () => {
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    await expect(discover()).rejects.toThrow(
      /^cloudformation:DescribeStacks failed \(Throttling: Rate exceeded\): check that the credentials/,
    );
  });
});
