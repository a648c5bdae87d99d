import { App, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { placeholder, SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';

const env = { account: '111111111111', region: 'us-east-1' };

function twoStacks(crossStackReferences: 'weak' | 'strong') {
  // No CloudFormation schema validation: its first use in a test file costs ~7 s CPU, and these toy stacks test resolution only.
  const app = new App({
    context: { '@aws-cdk/core:defaultCrossStackReferences': crossStackReferences },
    builtinCloudFormationValidation: false,
  });
  const producer = new Stack(app, 'Producer', { env });
  const bucket = new s3.Bucket(producer, 'Bucket');
  new CfnOutput(producer, 'Exported', { value: bucket.bucketArn, exportName: 'shared-bucket-arn' });
  const consumer = new Stack(app, 'Consumer', { env });
  const role = new iam.Role(consumer, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  bucket.grantRead(role, 'reports/*');
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [
        Fn.sub('${Arn}/sub/*', { Arn: Fn.importValue('shared-bucket-arn') }),
        Fn.sub('arn:${AWS::Partition}:s3:::x-${AWS::AccountId}/*'),
      ],
    }),
  );
  return { app, producer, bucket, role };
}

test.each(['weak', 'strong'] as const)("%s cross-stack references resolve to the producer's placeholder", (kind) => {
  const { app, producer, bucket, role } = twoStacks(kind);
  const policies = SynthesizedPolicies.fromAssembly(app.synth());
  const bucketArn = policies.resolveToken(producer, bucket.bucketArn);
  expect(bucketArn).toBe(placeholder('Producer', producer.getLogicalId(bucket.node.defaultChild as never), 'Arn'));
  const resources = policies.statementsOf(role).flatMap((s) => s.Resource as string[]);
  expect(resources).toEqual(
    expect.arrayContaining([bucketArn, `${bucketArn}/reports/*`, `${bucketArn}/sub/*`, 'arn:aws:s3:::x-111111111111/*']),
  );
});

test('an intrinsic it does not know is an error, not a guess', () => {
  const { app } = twoStacks('weak');
  const policies = SynthesizedPolicies.fromAssembly(app.synth());
  expect(() => policies.resolve({ 'Fn::Select': [0, ['a']] }, 'Producer')).toThrow(/cannot resolve intrinsic Fn::Select/);
  expect(() => policies.resolve('x', 'Missing')).toThrow(/no stack named Missing/);
});
