import { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACKNOWLEDGEMENTS } from '../../lib/compliance/acknowledgements';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { WildcardGrant, wildcardGrants } from '../../lib/evidence/wildcard-grants';
import { buildData } from '../data/data-fixture';
import { PROD_CONTEXT, buildPlatform } from '../support/platform-fixture';

/** True when an acknowledgement at or above the policy's path accepts this wildcard (AwsSolutions-IAM5) with a reason. */
function acknowledged(grant: WildcardGrant): boolean {
  return grant.wildcards.every((wildcard) =>
    ACKNOWLEDGEMENTS.some(
      (ack) =>
        (grant.path === ack.path || grant.path.startsWith(`${ack.path}/`)) &&
        (ack.ids.includes('AwsSolutions-IAM5') || ack.ids.includes(`AwsSolutions-IAM5[${wildcard}]`)),
    ),
  );
}

const unacknowledgedWildcards = (app: App) =>
  wildcardGrants(app, SynthesizedPolicies.fromAssembly(app.synth()))
    .filter((g) => !acknowledged(g))
    .map((g) => `${g.wildcards.join(' ')} at ${g.path}`);

describe('no policy grants Action "*" or Resource "*" outside an acknowledged, reasoned exception', () => {
  test.each([
    ['dev', {}],
    ['prod', PROD_CONTEXT],
  ])('the whole platform (%s)', (_, context) => {
    expect(unacknowledgedWildcards(buildPlatform(context).app)).toEqual([]);
  });

  test('a role granted Resource "*" is reported', () => {
    const { app, data } = buildData({ withIdentity: false });
    data.identities
      .get('orders')!
      .grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    expect(unacknowledgedWildcards(app)).toEqual(['Resource::* at Data/Identities/orders/Policy/Resource']);
  });
});
