import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ManagedPolicyPrincipal } from './managed-policy-principal';

export interface InlineFunctionProps {
  readonly description: string;
  readonly roleDescription: string;
  /** The function's whole code (`inlineFunctionCode`): transpiled at synth, no bundling, no asset. */
  readonly code: string;
  readonly timeout: Duration;
  /** The only log group it writes; created by the caller so it is encrypted and retained like the platform's. */
  readonly logGroup: logs.ILogGroup;
  /** @default - none */
  readonly environment?: Record<string, string>;
}

/**
 * A small function an AWS service invokes (a Cognito trigger, a Secrets Manager rotation): the supported Node.js
 * runtime, 128 MB, JSON logs to `logGroup`, and a role of its own (`Role` beside it) whose only grant is writing that
 * log group, held in a managed policy the caller adds to through `grantee`.
 */
export function inlineFunction(scope: Construct, id: string, props: InlineFunctionProps) {
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  const grantee = new ManagedPolicyPrincipal(scope, role);
  props.logGroup.grantWrite(grantee);
  const fn = new lambda.Function(scope, id, {
    description: props.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(props.code),
    role,
    timeout: props.timeout,
    memorySize: 128,
    environment: props.environment,
    logGroup: props.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
  });
  return { fn, grantee };
}
