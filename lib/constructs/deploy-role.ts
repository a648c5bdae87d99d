import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ManagedPolicyPrincipal } from '../private/managed-policy-principal';
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from './github-oidc-provider';
import { repositoriesUnder } from './service-repository';

/** What pushing an image (and its cosign signature, which is read back by digest) takes in ECR. */
export const IMAGE_PUSH_ACTIONS: readonly string[] = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
];

/** The CDK bootstrap roles `cdk deploy` assumes (the default synthesizer's names), and nothing else of the account. */
const BOOTSTRAP_ROLE_ARNS: readonly string[] = [
  DefaultStackSynthesizer.DEFAULT_DEPLOY_ROLE_ARN,
  DefaultStackSynthesizer.DEFAULT_FILE_ASSET_PUBLISHING_ROLE_ARN,
  DefaultStackSynthesizer.DEFAULT_IMAGE_ASSET_PUBLISHING_ROLE_ARN,
  DefaultStackSynthesizer.DEFAULT_LOOKUP_ROLE_ARN,
];

export interface DeployRoleProps {
  /** The account's GitHub OIDC provider (see `GitHubOidcProvider`). */
  readonly provider: iam.IOidcProvider;
  /** `<owner>/<repository>` whose workflow may assume the role. */
  readonly repository: string;
  /**
   * The GitHub environment whose jobs may assume the role: the token's subject is then
   * `repo:<owner>/<repository>:environment:<name>`, so reviewers and branch rules of that environment gate every use.
   */
  readonly environment: string;
  /** Names of the image repositories the role may push to start with `<prefix>/` (the Data stack's name prefix). */
  readonly imageRepositoryPrefix: string;
  /** Qualifier of the CDK bootstrap stack in the account. @default DefaultStackSynthesizer.DEFAULT_QUALIFIER ('hnb659fds') */
  readonly bootstrapQualifier?: string;
}

/**
 * The role a delivery workflow's environment assumes with its OIDC token: it may only assume the CDK bootstrap roles
 * (so what a deploy may change is what the bootstrap's execution role allows, as for any `cdk deploy`) and push
 * images to the platform's repositories. One hour sessions; no access keys exist.
 */
export class DeployRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DeployRoleProps) {
    super(scope, id);
    const subject = `repo:${props.repository}:environment:${props.environment}`;
    this.role = new iam.Role(this, 'Resource', {
      description: `Deploys the platform from ${subject}`,
      assumedBy: new iam.OpenIdConnectPrincipal(props.provider, {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subject },
      }),
    });
    const stack = Stack.of(this);
    const qualifier = props.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const principal = new ManagedPolicyPrincipal(this, this.role);
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: BOOTSTRAP_ROLE_ARNS.map((arn) =>
          arn
            .replace('${AWS::Partition}', stack.partition)
            .replace(/\$\{AWS::AccountId\}/g, stack.account)
            .replace('${AWS::Region}', stack.region)
            .replace('${Qualifier}', qualifier),
        ),
      }),
    );
    // ECR's login token is account-wide: it names no repository, so it cannot be scoped.
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...IMAGE_PUSH_ACTIONS], resources: [repositoriesUnder(props.imageRepositoryPrefix)] }),
    );
  }
}
