import { Template } from 'aws-cdk-lib/assertions';
import { STACK_IDS } from '../../lib/platform';
import { PROD_CONTEXT, buildPlatform } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';

describe('foundation stacks', () => {
  const { app, platform } = buildPlatform();
  const assembly = app.synth();

  test.each([STACK_IDS.keys, STACK_IDS.logging, STACK_IDS.network])('%s matches its snapshot (asset hashes masked)', (id) => {
    expect(assembly.getStackByName(`dev-platform-${id.toLowerCase()}`).template).toMatchSnapshot();
  });

  test('stacks carry the profile in their CloudFormation names and are bound to the configured environment', () => {
    expect(platform.network.stackName).toBe('dev-platform-network');
    expect(platform.network.account).toBe('111111111111');
    expect(platform.network.region).toBe('us-east-1');
  });

  test('two synths of the same configuration are byte-identical (no lookups, no timestamps)', () => {
    // The other synth is the run's shared one of dev: another app, and usually another process.
    const again = synthesizedConfiguration('dev').assembly;
    for (const stack of assembly.stacks) {
      expect(JSON.stringify(again.getStackByName(stack.stackName).template)).toBe(JSON.stringify(stack.template));
    }
  });

  test('the VPC uses the configured zones without a context lookup', () => {
    expect(platform.network.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    Template.fromStack(platform.network).resourceCountIs('AWS::EC2::Subnet', 4);
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('prod keeps keys and logs, and protects its stacks from deletion', () => {
    const prod = buildPlatform(PROD_CONTEXT).platform;
    expect(prod.keys.terminationProtection).toBe(true);
    Template.fromStack(prod.keys).allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    Template.fromStack(prod.logging).allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  test('dev removes keys and logs on teardown, so `cdk destroy` leaves nothing behind', () => {
    Template.fromStack(platform.keys).allResources('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});
