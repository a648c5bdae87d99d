import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConfigErrors } from '../../lib/config';
import { AccessRequest, evaluate, StatementJson } from '../../lib/evidence/policy-evaluator';
import { SynthesizedPolicies } from '../../lib/evidence/synthesized-policies';
import { Platform } from '../../lib/platform';
import { buildPlatform, PROD_CONTEXT, testConfig } from '../support/platform-fixture';

/**
 * The Delivery stack's deploy role, proven on the synthesized templates with the IAM evaluator: who may assume it
 * (only this repository's workflow, in the role's GitHub environment), what it may do (assume the CDK bootstrap roles,
 * push to the platform's repositories) and what it may not; and the repositories' side: only that role pushes.
 */
const REPOSITORY = 'my-org/platform';
let platform: Platform;
let policies: SynthesizedPolicies;
let role: iam.IRole;
// The cases are tables built before the platform, from the same configuration.
const { account, region } = testConfig({ githubRepository: REPOSITORY }).env;
beforeAll(() => {
  const built = buildPlatform({ githubRepository: REPOSITORY });
  platform = built.platform;
  policies = SynthesizedPolicies.fromAssembly(built.app.synth());
  role = platform.delivery.deployRoles.get('dev')!;
});

type Case = [description: string, request: AccessRequest];
const GITHUB = 'token.actions.githubusercontent.com';
const token = (sub: string, aud = 'sts.amazonaws.com') => ({ [`${GITHUB}:sub`]: sub, [`${GITHUB}:aud`]: aud });
/** A trust or resource policy's statements name no resource (they apply to their own): give them one to evaluate. */
const onResource = (statements: readonly any[], resource: string): StatementJson[] =>
  statements.map((s) => ({ ...s, Resource: s.Resource ?? resource }));

function trustStatements(): StatementJson[] {
  const template = Template.fromStack(platform.delivery).toJSON();
  const logicalId = platform.delivery.resolve((role.node.defaultChild as iam.CfnRole).logicalId);
  const document = template.Resources[logicalId].Properties.AssumeRolePolicyDocument;
  return onResource(
    document.Statement.map((s: any) => ({ ...s, Condition: JSON.parse(JSON.stringify(s.Condition)) })),
    '*',
  );
}

describe('trust: only this repository, in the role environment', () => {
  const allow: Case[] = [
    [
      'a job of the dev environment',
      { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context: token(`repo:${REPOSITORY}:environment:dev`) },
    ],
  ];
  const deny: Case[] = [
    [
      'a job of the prod environment',
      { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context: token(`repo:${REPOSITORY}:environment:prod`) },
    ],
    [
      'a job on main outside any environment',
      { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context: token(`repo:${REPOSITORY}:ref:refs/heads/main`) },
    ],
    ['a pull request', { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context: token(`repo:${REPOSITORY}:pull_request`) }],
    [
      'a fork named alike',
      { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context: token(`repo:${REPOSITORY}-fork:environment:dev`) },
    ],
    ['another owner', { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', context: token('repo:someone/platform:environment:dev') }],
    [
      'a token for another audience',
      {
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: '*',
        context: token(`repo:${REPOSITORY}:environment:dev`, 'https://github.com/my-org'),
      },
    ],
    [
      'a plain AssumeRole from the account',
      { action: 'sts:AssumeRole', resource: '*', context: token(`repo:${REPOSITORY}:environment:dev`) },
    ],
  ];
  test('only a job of the role environment in this repository, with the STS audience, assumes the role', () => {
    const decide = ([description, request]: Case) => [description, evaluate(trustStatements(), request) === 'allow'];
    expect(allow.map(decide)).toEqual(allow.map(([description]) => [description, true]));
    expect(deny.map(decide)).toEqual(deny.map(([description]) => [description, false]));
  });

  test('the federated principal is the GitHub provider the stack creates', () => {
    Template.fromStack(platform.delivery).hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: `https://${GITHUB}`,
      ClientIdList: ['sts.amazonaws.com'],
    });
  });
});

describe('permissions: the CDK bootstrap roles and image push, nothing else', () => {
  const bootstrap = (kind: string, inAccount = account, inRegion = region) =>
    `arn:aws:iam::${inAccount}:role/cdk-hnb659fds-${kind}-role-${inAccount}-${inRegion}`;
  const repository = (name: string) => `arn:aws:ecr:${region}:${account}:repository/${name}`;
  const allow: Case[] = [
    ...['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((kind): Case => [
      `assume the ${kind} role`,
      { action: 'sts:AssumeRole', resource: bootstrap(kind) },
    ]),
    ['log in to ECR', { action: 'ecr:GetAuthorizationToken', resource: '*' }],
    ['push to the orders repository', { action: 'ecr:PutImage', resource: repository('dev-platform-data/orders') }],
    ['upload layers to the inventory repository', { action: 'ecr:UploadLayerPart', resource: repository('dev-platform-data/inventory') }],
  ];
  const deny: Case[] = [
    ['assume the CloudFormation execution role directly', { action: 'sts:AssumeRole', resource: bootstrap('cfn-exec') }],
    ['assume an administrator role', { action: 'sts:AssumeRole', resource: `arn:aws:iam::${account}:role/PlatformAdmin` }],
    ['assume bootstrap roles of another account', { action: 'sts:AssumeRole', resource: bootstrap('deploy', '222222222222') }],
    ['assume bootstrap roles of another region', { action: 'sts:AssumeRole', resource: bootstrap('deploy', account, 'eu-west-1') }],
    ['push to a repository outside the platform', { action: 'ecr:PutImage', resource: repository('other-team/app') }],
    ['delete a platform repository', { action: 'ecr:DeleteRepository', resource: repository('dev-platform-data/orders') }],
    ['change a repository policy', { action: 'ecr:SetRepositoryPolicy', resource: repository('dev-platform-data/orders') }],
    ['pass a role', { action: 'iam:PassRole', resource: `arn:aws:iam::${account}:role/any` }],
    ['deploy CloudFormation itself', { action: 'cloudformation:CreateStack', resource: '*' }],
    ['write to the data bucket', { action: 's3:PutObject', resource: 'arn:aws:s3:::any/key' }],
  ];
  test.each(allow)('allows %s', (_, request) => expect(evaluate(policies.statementsOf(role), request)).toBe('allow'));
  test.each(deny)('denies %s', (_, request) => expect(evaluate(policies.statementsOf(role), request)).not.toBe('allow'));
});

describe('repositories: only the deploy role pushes', () => {
  const repositoryPolicy = (name: string) => {
    const repository = platform.data.repositories.get(name)!.repository;
    const logicalId = platform.data.resolve((repository.node.defaultChild as any).logicalId);
    const document = Template.fromStack(platform.data).toJSON().Resources[logicalId].Properties.RepositoryPolicyText;
    const resolved = document.Statement.map((s: any) => ({
      ...s,
      Condition: {
        ArnNotEquals: {
          'aws:PrincipalArn': s.Condition.ArnNotEquals['aws:PrincipalArn'].map((v: unknown) =>
            policies.resolve(v, platform.data.stackName),
          ),
        },
      },
    }));
    return onResource(resolved, `arn:aws:ecr:${region}:${account}:repository/dev-platform-data/${name}`);
  };
  const request = (action: string, principal: string): AccessRequest => ({
    action,
    resource: `arn:aws:ecr:${region}:${account}:repository/dev-platform-data/orders`,
    context: { 'aws:PrincipalArn': principal },
  });

  test.each(['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'])(
    '%s is denied to an administrator and allowed through to the deploy role',
    (action) => {
      const statements = repositoryPolicy('orders');
      expect(evaluate(statements, request(action, `arn:aws:iam::${account}:role/PlatformAdmin`))).toBe('explicit-deny');
      expect(evaluate(statements, request(action, policies.resolveToken(role, role.roleArn)))).not.toBe('explicit-deny');
    },
  );

  test('pulls (nodes, scanners) are not denied', () => {
    expect(evaluate(repositoryPolicy('inventory'), request('ecr:BatchGetImage', `arn:aws:iam::${account}:role/node`))).not.toBe(
      'explicit-deny',
    );
  });
});

describe('configuration', () => {
  test('each profile trusts the GitHub environment of its name; the placeholder repository is no GitHub name', () => {
    expect(testConfig().delivery.environments).toEqual(['dev']);
    expect(testConfig(PROD_CONTEXT).delivery.environments).toEqual(['prod']);
    expect(testConfig().delivery.repository).toMatch(/^[^/]*-\//);
  });

  test.each([
    [{ githubRepository: 'my-org' }, 'delivery.repository'],
    [{ githubRepository: 'my-org/platform/extra' }, 'delivery.repository'],
    [{ githubRepository: '-org/platform' }, 'delivery.repository'],
    [{ deliveryEnvironments: 'dev,dev' }, 'delivery.environments'],
    [{ deliveryEnvironments: 'prod*' }, 'delivery.environments'],
    [{ githubOidcProviderArn: 'arn:aws:iam::111111111111:oidc-provider/example.com' }, 'delivery.oidcProviderArn'],
  ])('%j is rejected at %s', (context, field) => {
    expect(() => testConfig(context)).toThrow(ConfigErrors);
    expect(() => testConfig(context)).toThrow(field);
  });

  test('an existing provider is imported, not created', () => {
    const { platform: imported } = buildPlatform({
      githubRepository: REPOSITORY,
      githubOidcProviderArn: `arn:aws:iam::111111111111:oidc-provider/${GITHUB}`,
    });
    Template.fromStack(imported.delivery).resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });
});
