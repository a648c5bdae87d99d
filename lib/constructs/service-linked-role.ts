import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface ServiceLinkedRoleProps {
  /** The service the role is linked to, e.g. `autoscaling.amazonaws.com`. */
  readonly awsServiceName: string;
  /** The role's name, which AWS fixes for that service, e.g. `AWSServiceRoleForAutoScaling`. */
  readonly roleName: string;
  /** Where the function that creates it logs (one line per create). */
  readonly logGroup: logs.ILogGroup;
}

/**
 * Makes sure a service-linked role exists, for a policy that names it before anything would create it: KMS refuses a
 * key policy naming a principal that does not exist (MalformedPolicyDocumentException), and AWS creates e.g. the Auto
 * Scaling role only with the account's first Auto Scaling group. `AWS::IAM::ServiceLinkedRole` fails where the role
 * exists already, so IAM's CreateServiceLinkedRole is called instead and its "has been taken" answer (InvalidInput)
 * accepted. Deleting the stack leaves the role: other resources of the account may use it.
 */
export class ServiceLinkedRole extends Construct {
  /** The role's ARN, a literal: AWS fixes its path and name. */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ServiceLinkedRoleProps) {
    super(scope, id);
    const { partition, account } = Stack.of(this);
    this.roleArn = `arn:${partition}:iam::${account}:role/aws-service-role/${props.awsServiceName}/${props.roleName}`;
    const create = new cr.AwsCustomResource(this, 'Create', {
      onCreate: {
        service: 'IAM',
        action: 'createServiceLinkedRole',
        parameters: { AWSServiceName: props.awsServiceName },
        physicalResourceId: cr.PhysicalResourceId.of(props.roleName),
        ignoreErrorCodesMatching: '^InvalidInput',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [this.roleArn],
          conditions: { StringEquals: { 'iam:AWSServiceName': props.awsServiceName } },
        }),
      ]),
      // The SDK in the Lambda runtime: nothing is downloaded at deploy time.
      installLatestAwsSdk: false,
      logGroup: props.logGroup,
    });
    this.node.defaultChild = create;
  }
}
