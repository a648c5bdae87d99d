import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import * as path from 'path';
import { inlineFunctionCode } from '../private/inline-function-code';
import { inlineFunction } from '../private/inline-function';
import { ManagedPolicyPrincipal } from '../private/managed-policy-principal';
import { PlatformSecret } from './platform-secret';

/** How often generated secrets rotate unless told otherwise: Secrets Manager's own default, and NIST's monthly habit. */
export const DEFAULT_ROTATION_INTERVAL = Duration.days(30);

/** The service that invokes rotation functions. */
const SECRETS_MANAGER_PRINCIPAL = 'secretsmanager.amazonaws.com';

export interface SecretRotationProps {
  /** Where the function logs: an encrypted log group with retention (CentralLogging.createLogGroup). */
  readonly logGroup: logs.ILogGroup;
  /** How often each secret gets a new value. @default DEFAULT_ROTATION_INTERVAL (30 days) */
  readonly rotateEvery?: Duration;
}

/** The rotation function's inline code, from its one TypeScript file. */
export function secretRotationCode(): string {
  return inlineFunctionCode(path.join('lib', 'private', 'secret-rotation-function.ts'));
}

/**
 * Automatic rotation of generated secrets (self-contained random keys, see lib/private/secret-rotation-function.ts):
 * one function, and per secret a rotation schedule. The function's role may rotate exactly the secrets added with
 * `rotate` (and generate random values, which touches no resource); Secrets Manager may invoke it only for them.
 */
export class SecretRotation extends Construct {
  readonly function: lambda.Function;
  private readonly grantee: ManagedPolicyPrincipal;
  private readonly rotateEvery: Duration;

  constructor(scope: Construct, id: string, props: SecretRotationProps) {
    super(scope, id);
    this.rotateEvery = props.rotateEvery ?? DEFAULT_ROTATION_INTERVAL;
    const days = this.rotateEvery.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1 || days > 1000) {
      throw new Error(
        `rotateEvery is ${this.rotateEvery.toHumanString()}: use a whole number of days from 1 to 1000 (Secrets Manager's range)`,
      );
    }
    const { fn, grantee } = inlineFunction(this, 'Function', {
      description: 'Rotates generated platform secrets to a new random value',
      roleDescription: 'Rotates generated secrets: new versions of those secrets only, and its own log group',
      code: secretRotationCode(),
      // A step is one or two Secrets Manager calls.
      timeout: Duration.seconds(30),
      logGroup: props.logGroup,
    });
    this.function = fn;
    this.grantee = grantee;
    // GetRandomPassword acts on no resource: IAM accepts only "*" for it.
    this.grantee.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] }));
  }

  /** Rotates `secret` every `rotateEvery`, starting one interval after deployment. */
  rotate(secret: PlatformSecret): void {
    const id = secret.node.id;
    secret.grantRotation(this.grantee);
    const permission = new lambda.CfnPermission(this, `Invoke-${id}`, {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionArn,
      principal: SECRETS_MANAGER_PRINCIPAL,
      sourceArn: secret.secret.secretArn,
    });
    const schedule = new secretsmanager.CfnRotationSchedule(this, `Schedule-${id}`, {
      secretId: secret.secret.secretArn,
      rotationLambdaArn: this.function.functionArn,
      rotationRules: { scheduleExpression: `rate(${this.rotateEvery.toDays()} days)` },
      // The value was just generated; rotating at once would only add a version.
      rotateImmediatelyOnUpdate: false,
    });
    // Secrets Manager invokes the function when the schedule is created or changed: its rights must exist by then.
    schedule.node.addDependency(permission, this.grantee.managedPolicy!);
  }
}
