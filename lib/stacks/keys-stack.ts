import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformKeys } from '../constructs/platform-keys';

export interface KeysStackProps extends StackProps {
  readonly retainKeys: boolean;
}

/** The platform's customer-managed keys; every other stack receives them as objects. */
export class KeysStack extends Stack {
  readonly keys: PlatformKeys;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    this.keys = new PlatformKeys(this, 'Keys', { retain: props.retainKeys });
  }
}
