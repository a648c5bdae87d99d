import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { inlineFunction } from '../private/inline-function';
import { inlineFunctionCode } from '../private/inline-function-code';

export interface UserPoolSigningKeysProps {
  readonly userPool: cognito.IUserPool;
  /** Where the function logs (an encrypted platform log group). */
  readonly logGroup: logs.ILogGroup;
}

/**
 * A user pool's signing keys (JWKS), read at deploy time by a function outside the VPC, so the workloads verify access
 * tokens with no path to Cognito: with egress `isolated` there is none (the cognito-idp endpoint refuses user pools
 * with a domain), and elsewhere their NetworkPolicies need none. The keys are public. They are read when the resource
 * is created (again only if the pool is replaced): Cognito does not rotate a pool's keys.
 */
export class UserPoolSigningKeys extends Construct {
  /** The JWKS document, compacted (a CloudFormation attribute). */
  readonly jwks: string;

  constructor(scope: Construct, id: string, props: UserPoolSigningKeysProps) {
    super(scope, id);
    const { region, urlSuffix } = Stack.of(this);
    const { fn } = inlineFunction(this, 'Function', {
      description: 'Reads the user pool signing keys (JWKS) for workloads without a path to Cognito',
      roleDescription: 'Role of the function reading the user pool signing keys: writes its log group only',
      code: inlineFunctionCode('lib/private/signing-keys-function.ts'),
      timeout: Duration.seconds(30),
      logGroup: props.logGroup,
    });
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::UserPoolSigningKeys',
      properties: { JwksUrl: `https://cognito-idp.${region}.${urlSuffix}/${props.userPool.userPoolId}/.well-known/jwks.json` },
    });
    this.jwks = resource.getAttString('Jwks');
  }
}
