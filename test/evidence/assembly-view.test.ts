import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AssemblyView } from '../../lib/evidence/assembly-view';
import { testApp } from '../support/platform-fixture';

function topicView(): AssemblyView {
  const app = testApp();
  new sns.Topic(new Stack(app, 'Alarms'), 'Topic', { displayName: 'alarms' });
  return new AssemblyView(app.synth());
}

describe('a view with other templates', () => {
  test('reads the changed copy and leaves the synthesized view as it was', () => {
    const view = topicView();
    const copy = structuredClone(view.templates);
    for (const resource of Object.values<any>(copy.Alarms.Resources)) delete resource.Properties.DisplayName;
    const changed = view.withTemplates(copy);
    expect(changed.some('AWS::SNS::Topic', (p) => p.DisplayName !== undefined)).toBe(false);
    expect(view.every('AWS::SNS::Topic', (p) => p.DisplayName === 'alarms')).toBe(true);
    expect(changed.stackNames).toEqual(view.stackNames);
  });

  test('a template for a stack the assembly does not have is refused', () => {
    const view = topicView();
    expect(() => view.withTemplates({ Elsewhere: { Resources: {} } })).toThrow('no stack Elsewhere in the assembly: use one of Alarms');
  });
});
