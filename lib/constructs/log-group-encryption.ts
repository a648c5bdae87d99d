import { InjectionContext, IPropertyInjector } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ILogDestinations } from './central-logging';

/**
 * Gives every `logs.LogGroup` created in a scope the platform logs key when its creator passed none. Library
 * constructs create log groups we do not control (aws-eks-v2's kubectl handler and its provider framework each
 * get one, unencrypted), and any future library version may add more. A property injector acts while the log group
 * is constructed, so the construct tree itself is compliant: the cdk-nag packs, which read the tree, and cfn-guard,
 * which reads the template, see the same key. Log groups that name a key keep it. They also get the platform's
 * removal policy: CDK's default keeps a log group after `cdk destroy`, which would leave a dev teardown incomplete.
 *
 * Register it before creating the constructs: `PropertyInjectors.of(stack).add(new LogGroupEncryption(logDestinations))`.
 */
export class LogGroupEncryption implements IPropertyInjector {
  readonly constructUniqueId = logs.LogGroup.PROPERTY_INJECTION_ID;

  constructor(private readonly destinations: Pick<ILogDestinations, 'encryptionKey' | 'logGroupRemovalPolicy'>) {}

  inject(originalProps: logs.LogGroupProps | undefined, _context: InjectionContext): logs.LogGroupProps {
    // The key's policy lets CloudWatch Logs use it for this account's log groups; referencing its ARN from
    // another stack also orders that stack first.
    return {
      ...originalProps,
      encryptionKey: originalProps?.encryptionKey ?? this.destinations.encryptionKey,
      removalPolicy: originalProps?.removalPolicy ?? this.destinations.logGroupRemovalPolicy,
    };
  }
}
