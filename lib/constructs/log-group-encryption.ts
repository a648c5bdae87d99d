import { InjectionContext, IPropertyInjector } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Gives every `logs.LogGroup` created in a scope the platform logs key when its creator passed none. Library
 * constructs create log groups we do not control (aws-eks-v2's kubectl handler and its provider framework each
 * get one, unencrypted), and any future library version may add more. A property injector acts while the log group
 * is constructed, so the construct tree itself is compliant: the cdk-nag packs, which read the tree, and cfn-guard,
 * which reads the template, see the same key. Log groups that name a key keep it.
 *
 * Register it before creating the constructs: `PropertyInjectors.of(stack).add(new LogGroupEncryption(key))`.
 */
export class LogGroupEncryption implements IPropertyInjector {
  readonly constructUniqueId = logs.LogGroup.PROPERTY_INJECTION_ID;

  constructor(private readonly key: kms.IKey) {}

  inject(originalProps: logs.LogGroupProps | undefined, _context: InjectionContext): logs.LogGroupProps {
    // The key's policy lets CloudWatch Logs use it for this account's log groups; referencing its ARN from
    // another stack also orders that stack first.
    return { ...originalProps, encryptionKey: originalProps?.encryptionKey ?? this.key };
  }
}
