import { Template } from 'aws-cdk-lib/assertions';
import { synthesizedConfiguration } from '../support/synthesized-configurations';

/** The registry side of the supply chain: Inspector rescans the platform's images and raises findings as alarms. */
const data = () => {
  const { assembly } = synthesizedConfiguration('dev');
  return Template.fromJSON(assembly.stacks.find((stack) => stack.stackName === 'dev-platform-data')!.template);
};

test('continuous enhanced scanning of the platform repositories', () => {
  data().hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
    ScanType: 'ENHANCED',
    Rules: [{ ScanFrequency: 'CONTINUOUS_SCAN', RepositoryFilters: [{ Filter: 'dev-platform-data/*', FilterType: 'WILDCARD' }] }],
  });
});

test('active critical and high Inspector findings on those images go to the alarm topic', () => {
  const rules = data().findResources('AWS::Events::Rule');
  const [rule] = Object.values(rules).map((r: any) => r.Properties);
  expect(Object.keys(rules)).toHaveLength(1);
  expect(rule.EventPattern).toEqual({
    source: ['aws.inspector2'],
    'detail-type': ['Inspector2 Finding'],
    detail: {
      severity: ['CRITICAL', 'HIGH'],
      status: ['ACTIVE'],
      resources: { details: { awsEcrContainerImage: { repositoryName: [{ prefix: 'dev-platform-data/' }] } } },
    },
  });
  expect(JSON.stringify(rule.Targets)).toMatch(/AlarmTopic/);
});
