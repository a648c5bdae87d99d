import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The issuer of GitHub Actions' OIDC tokens, and the host its condition keys are named after. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The audience aws-actions/configure-aws-credentials requests: the only client id the provider accepts. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

export interface GitHubOidcProviderProps {
  /**
   * ARN of the account's existing GitHub provider (an account holds one per issuer URL), e.g. when dev and prod
   * share an account or a landing zone created it.
   * @default - a new provider for the issuer, accepting only the `sts.amazonaws.com` audience
   */
  readonly existingProviderArn?: string;
}

/**
 * The account's IAM identity provider for GitHub Actions' OIDC tokens, so workflows assume roles with short-lived
 * tokens instead of stored access keys. No thumbprint is pinned: IAM verifies GitHub's certificate against its own
 * trusted CAs for this issuer.
 */
export class GitHubOidcProvider extends Construct {
  readonly provider: iam.IOidcProvider;

  constructor(scope: Construct, id: string, props: GitHubOidcProviderProps = {}) {
    super(scope, id);
    this.provider = props.existingProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'Resource', props.existingProviderArn)
      : new iam.OidcProviderNative(this, 'Resource', { url: `https://${GITHUB_OIDC_HOST}`, clientIds: [GITHUB_OIDC_AUDIENCE] });
  }
}
