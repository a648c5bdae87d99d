import * as events from 'aws-cdk-lib/aws-events';

/**
 * An EventBridge rule target that is its ARN alone, for a topic or queue whose own policy already admits this
 * account's rules: aws-events-targets would add a grant of its own, without the source condition.
 */
export function arnTarget(arn: string): events.IRuleTarget {
  return { bind: () => ({ arn }) };
}
