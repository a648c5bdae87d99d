import { wildcardMatch } from './policy-evaluator';
import {
  AssemblyInput,
  DeployTrap,
  GET_STACK_OUTPUT,
  intrinsic,
  isObject,
  producerOf,
  StackTemplate,
  stackTemplates,
  templatePath,
  TemplateResource,
  walkJson,
} from './stack-templates';

/** An AWS service that publishes to SNS topics on the platform's behalf, and what in a template names its topics. */
export interface TopicPublisher {
  readonly type: string;
  /** The service principal the publish, and the KMS calls of an encrypted topic, are made as. */
  readonly service: string;
  /** Properties of `type` whose values name the topics it publishes to. */
  readonly properties: readonly string[];
  /** Condition keys a key policy statement for this publisher must not use: the service's calls do not carry them. @default - none */
  readonly unsupportedKeyConditions?: readonly string[];
}

/**
 * CloudWatch alarms act as `cloudwatch.amazonaws.com` and EventBridge rules deliver as `events.amazonaws.com`: a topic
 * policy that does not allow them `sns:Publish` refuses every notification (the alarm history shows "is not authorized
 * to perform: SNS:Publish"; re:Post cloudwatch-receive-sns-for-alarm-trigger, sns-not-getting-eventbridge-notification),
 * and an encrypted topic's key must let them generate and decrypt data keys (SNS developer guide, key management),
 * without `aws:SourceAccount` or `aws:SourceArn` for EventBridge: "Adding the aws:SourceAccount and aws:SourceArn to a
 * AWS KMS policy is not supported for EventBridge-to-encrypted topics" (the same guide, quoted in
 * landing-zone-accelerator-on-aws#407, where such a condition made every rule invocation fail).
 */
export const TOPIC_PUBLISHERS: readonly TopicPublisher[] = [
  {
    type: 'AWS::CloudWatch::Alarm',
    service: 'cloudwatch.amazonaws.com',
    properties: ['AlarmActions', 'OKActions', 'InsufficientDataActions'],
  },
  {
    type: 'AWS::Events::Rule',
    service: 'events.amazonaws.com',
    properties: ['Targets'],
    unsupportedKeyConditions: ['aws:SourceAccount', 'aws:SourceArn'],
  },
];

/** A resource located in its stack. */
interface Located {
  readonly stack: StackTemplate;
  readonly logicalId: string;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** True when a statement allows the service principal `service` the action (IAM wildcards in the statement's actions). */
function allows(statement: unknown, service: string, action: string): boolean {
  if (!isObject(statement) || statement.Effect !== 'Allow') return false;
  const services = isObject(statement.Principal) ? asList(statement.Principal.Service) : [];
  return (
    services.includes(service) &&
    asList(statement.Action).some((granted) => typeof granted === 'string' && wildcardMatch(granted, action, true))
  );
}

/** The topic (or key) a template value refers to: a Ref or GetAtt in its own stack, or another stack's output of one. */
function referencedResource(stacks: readonly StackTemplate[], stack: StackTemplate, node: unknown): Located | undefined {
  const ref = intrinsic(node, 'Ref');
  if (typeof ref === 'string') return stack.template.Resources?.[ref] ? { stack, logicalId: ref } : undefined;
  const getAtt = intrinsic(node, 'Fn::GetAtt');
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return { stack, logicalId: getAtt[0] };
  const output = intrinsic(node, GET_STACK_OUTPUT);
  if (!isObject(output)) return undefined;
  const producer = producerOf(stacks, { stackName: output.StackName, region: output.Region });
  const value = producer && typeof output.OutputName === 'string' ? producer.template.Outputs?.[output.OutputName]?.Value : undefined;
  return producer ? referencedResource(stacks, producer, value) : undefined;
}

const resourceOf = ({ stack, logicalId }: Located): TemplateResource | undefined => stack.template.Resources?.[logicalId];

/**
 * 5. Every topic a platform alarm or rule publishes to whose topic policy or encryption key refuses that publisher:
 * the stack deploys, and the first alarm or finding is never delivered. A topic without a topic policy keeps SNS's
 * default one (the account's own principals may publish), so only topics with a policy are checked.
 */
export function topicsRefusingTheirPublishers(input: AssemblyInput): DeployTrap[] {
  const stacks = stackTemplates(input);
  const publishersByTopic = new Map<string, { readonly topic: Located; readonly publisher: TopicPublisher; readonly names: string[] }>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const publisher = TOPIC_PUBLISHERS.find((p) => p.type === resource.Type);
      if (!publisher) continue;
      for (const property of publisher.properties) {
        for (const { node } of walkJson(resource.Properties?.[property])) {
          const topic = referencedResource(stacks, stack, node);
          if (!topic || resourceOf(topic)?.Type !== 'AWS::SNS::Topic') continue;
          const key = `${topic.stack.id}/${topic.logicalId}/${publisher.service}`;
          const entry = publishersByTopic.get(key) ?? { topic, publisher, names: [] };
          entry.names.push(`${stack.id}/${logicalId}`);
          publishersByTopic.set(key, entry);
        }
      }
    }
  }
  return [...publishersByTopic.values()].flatMap(({ topic, publisher, names }) => {
    const who = `${names.length} ${publisher.type} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
    return [...topicPolicyTraps(topic, publisher, who), ...topicKeyTraps(stacks, topic, publisher, who)];
  });
}

function topicPolicyTraps(topic: Located, publisher: TopicPublisher, who: string): DeployTrap[] {
  const policies = Object.entries(topic.stack.template.Resources ?? {}).filter(
    ([, r]) => r.Type === 'AWS::SNS::TopicPolicy' && asList(r.Properties?.Topics).some((t) => intrinsic(t, 'Ref') === topic.logicalId),
  );
  if (policies.length === 0) return [];
  const statements = policies.flatMap(([, r]) => asList((r.Properties?.PolicyDocument as { Statement?: unknown })?.Statement));
  if (statements.some((s) => allows(s, publisher.service, 'sns:Publish'))) return [];
  return [
    {
      stack: topic.stack.id,
      logicalId: policies[0][0],
      path: templatePath(topic.stack, ['Resources', policies[0][0]]),
      problem:
        `${who} publish to topic ${topic.logicalId} as ${publisher.service}, which its topic policy does not allow sns:Publish: ` +
        'the policy replaces SNS\u2019s default one, so every notification is refused.',
      fix: `add a statement allowing ${publisher.service} sns:Publish on the topic, scoped with aws:SourceArn to this account's publishers.`,
    },
  ];
}

function topicKeyTraps(stacks: readonly StackTemplate[], topic: Located, publisher: TopicPublisher, who: string): DeployTrap[] {
  const key = referencedResource(stacks, topic.stack, resourceOf(topic)?.Properties?.KmsMasterKeyId);
  const keyResource = key && resourceOf(key);
  if (!key || keyResource?.Type !== 'AWS::KMS::Key') return [];
  const unsupported = (publisher.unsupportedKeyConditions ?? []).map((key) => key.toLowerCase());
  const usesUnsupported = (statement: unknown) =>
    isObject(statement) &&
    isObject(statement.Condition) &&
    Object.values(statement.Condition).some(
      (entries) => isObject(entries) && Object.keys(entries).some((key) => unsupported.includes(key.toLowerCase())),
    );
  const statements = asList((keyResource.Properties?.KeyPolicy as { Statement?: unknown })?.Statement);
  const missing = ['kms:GenerateDataKey', 'kms:Decrypt'].filter(
    (action) => !statements.some((s) => allows(s, publisher.service, action) && !usesUnsupported(s)),
  );
  if (missing.length === 0) return [];
  const conditioned = statements.some((s) => allows(s, publisher.service, missing[0]) && usesUnsupported(s));
  return [
    {
      stack: key.stack.id,
      logicalId: key.logicalId,
      path: templatePath(key.stack, ['Resources', key.logicalId, 'Properties', 'KeyPolicy']),
      problem:
        `${who} publish to topic ${topic.logicalId}, encrypted with this key, whose policy does not allow ${publisher.service} ${missing.join(' or ')}` +
        (conditioned ? ` except under ${publisher.unsupportedKeyConditions?.join(' or ')}, which its calls do not carry.` : '.'),
      fix: `add a key policy statement allowing ${publisher.service} kms:GenerateDataKey* and kms:Decrypt${conditioned ? ', without that condition' : ''}.`,
    },
  ];
}
