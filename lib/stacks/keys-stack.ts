import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ILogDestinations } from '../constructs/central-logging';
import { PlatformKeys } from '../constructs/platform-keys';

export interface KeysStackProps extends StackProps {
  readonly retainKeys: boolean;
  /** The platform's log groups: the Keys stack deploys after them (its one function logs there). */
  readonly logDestinations: ILogDestinations;
}

/** The platform's customer-managed keys; every other stack receives them as objects. */
export class KeysStack extends Stack {
  readonly keys: PlatformKeys;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    this.keys = new PlatformKeys(this, 'Keys', {
      retain: props.retainKeys,
      serviceLinkedRoleLogGroup: props.logDestinations.createLogGroup('ServiceLinkedRoles'),
    });
  }
}
