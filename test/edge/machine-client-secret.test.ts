import { SecretValue, Stack } from 'aws-cdk-lib';
import { PlatformSecret } from '../../lib/constructs/platform-secret';
import { Template } from 'aws-cdk-lib/assertions';
import { apiClientSecretName, machineClientSecretName } from '../../lib/config';
import { TEST_API_CLIENTS } from '../support/platform-fixture';
import { buildEdge } from './edge-fixture';

/**
 * The machine client's secret is held in Secrets Manager, encrypted with the platform data key, its value
 * CloudFormation's `ClientSecret` attribute of the app client: no custom resource reads it, and no output or other
 * resource carries it.
 */
const { edge } = buildEdge();
const template = Template.fromStack(edge);
const json = template.toJSON();
const client = Stack.of(edge).resolve((edge.identity.machineClient.node.defaultChild as any).logicalId);

test('the machine client secret lives in Secrets Manager, named for the toolkit, encrypted with the data key', () => {
  const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));
  expect(secret.Properties).toEqual({
    Name: machineClientSecretName('dev'),
    Description: expect.stringContaining('rotate-client'),
    KmsKeyId: { 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/DataKey/) }) },
    SecretString: { 'Fn::GetAtt': [client, 'ClientSecret'] },
  });
});

test('nothing else in the template reads the client secret: no output, no custom resource, no Lambda', () => {
  const readers = Object.entries<any>(json.Resources)
    .filter(([, r]) => JSON.stringify(r).includes('ClientSecret') || JSON.stringify(r).includes('DescribeUserPoolClient'))
    .map(([, r]) => r.Type);
  expect(readers).toEqual(['AWS::SecretsManager::Secret']);
  expect(JSON.stringify(json.Outputs ?? {})).not.toMatch(/ClientSecret|SecretString|MachineClientSecret/);
});

test('a literal value is refused: the template would hold it', () => {
  expect(
    () =>
      new PlatformSecret(new Stack(), 'S', {
        secretName: 'x',
        encryptionKey: edge.machineClientSecret.secret.encryptionKey!,
        description: 'x',
        value: SecretValue.unsafePlainText('hunter2'),
      }),
  ).toThrow(/pass a deploy-time reference, not a literal value/);
});

test("each client developer's app client secret is held the same way, under apiClientSecretName", () => {
  const withClients = Template.fromStack(buildEdge({ edge: { clients: TEST_API_CLIENTS } }).edge);
  const secrets = Object.values(withClients.findResources('AWS::SecretsManager::Secret')).map((s) => s.Properties);
  expect(secrets.map((p) => p.Name).sort()).toEqual(
    [machineClientSecretName('dev'), ...TEST_API_CLIENTS.map((c) => apiClientSecretName('dev', c.name))].sort(),
  );
  for (const properties of secrets) {
    expect(properties.SecretString).toEqual({ 'Fn::GetAtt': [expect.any(String), 'ClientSecret'] });
    expect(properties.KmsKeyId).toBeDefined();
  }
});
