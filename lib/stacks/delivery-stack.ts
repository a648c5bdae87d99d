import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DeliveryConfig } from '../config';
import { DeployRole } from '../constructs/deploy-role';
import { GitHubOidcProvider } from '../constructs/github-oidc-provider';

export interface DeliveryStackProps extends StackProps {
  readonly delivery: DeliveryConfig;
  /** Name prefix of the platform's image repositories (the Data stack's), the only ones the roles may push to. */
  readonly imageRepositoryPrefix: string;
}

/**
 * What a GitHub delivery workflow needs in the account, deployed once by an administrator (README "Delivery"): the
 * GitHub OIDC provider and one deploy role per GitHub environment. The workflow never deploys this stack itself.
 */
export class DeliveryStack extends Stack {
  /** Deploy roles by GitHub environment name. */
  readonly deployRoles: ReadonlyMap<string, iam.IRole>;

  constructor(scope: Construct, id: string, props: DeliveryStackProps) {
    super(scope, id, props);
    const { provider } = new GitHubOidcProvider(this, 'GitHubOidc', { existingProviderArn: props.delivery.oidcProviderArn });
    const roles = new Map<string, iam.IRole>();
    for (const environment of props.delivery.environments) {
      const { role } = new DeployRole(this, `DeployRole-${environment}`, {
        provider,
        repository: props.delivery.repository,
        environment,
        imageRepositoryPrefix: props.imageRepositoryPrefix,
      });
      roles.set(environment, role);
      new CfnOutput(this, `DeployRoleArn-${environment}`, {
        value: role.roleArn,
        description: `vars.DEPLOY_ROLE_ARN of the GitHub environment ${environment}`,
      });
    }
    this.deployRoles = roles;
  }
}
