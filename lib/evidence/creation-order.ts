import { AssemblyInput, DeployTrap, stackTemplates, TemplateResource } from './stack-templates';

/** A resource AWS creates only once another resource of its stack exists: CloudFormation must create that one first. */
export interface CreationPrerequisite {
  readonly type: string;
  readonly needs: string;
  /** Why the service refuses to create it otherwise (the trap's text). */
  readonly why: string;
  /** Which resources of the needed type it relies on. @default - every one in its stack */
  readonly relatedTo?: (resource: TemplateResource, candidate: TemplateResource) => boolean;
}

const json = (value: unknown) => JSON.stringify(value) ?? '';

/** What the platform creates that its service checks at creation time (CloudTrail, Security Hub and AWS Config docs). */
export const CREATION_PREREQUISITES: readonly CreationPrerequisite[] = [
  {
    type: 'AWS::SecurityHub::Standard',
    needs: 'AWS::SecurityHub::Hub',
    why: 'Security Hub enables a standard only in an account subscribed to it',
  },
  {
    type: 'AWS::CloudTrail::Trail',
    needs: 'AWS::S3::BucketPolicy',
    why: 'CloudTrail refuses to create a trail whose bucket policy does not admit it yet (InsufficientS3BucketPolicyException)',
    relatedTo: (trail, policy) => json(policy.Properties?.Bucket) === json(trail.Properties?.S3BucketName),
  },
  {
    type: 'AWS::Config::DeliveryChannel',
    needs: 'AWS::Config::ConfigurationRecorder',
    why: 'AWS Config accepts a delivery channel only once a configuration recorder exists',
  },
];

/**
 * 4. Every resource created before a resource of its stack its service needs to exist first: neither a DependsOn nor a
 * Ref or GetAtt orders them, so CloudFormation may create both at once and the first deploy fails.
 */
export function resourcesBeforeTheirPrerequisites(
  input: AssemblyInput,
  prerequisites: readonly CreationPrerequisite[] = CREATION_PREREQUISITES,
): DeployTrap[] {
  return stackTemplates(input).flatMap((stack) => {
    const resources = Object.entries(stack.template.Resources ?? {});
    return prerequisites.flatMap(({ type, needs, why, relatedTo }) =>
      resources
        .filter(([, resource]) => resource.Type === type)
        .flatMap(([logicalId, resource]) => {
          const needed = resources
            .filter(([, candidate]) => candidate.Type === needs && (relatedTo?.(resource, candidate) ?? true))
            .map(([id]) => id);
          const dependsOn = [resource.DependsOn ?? []].flat();
          const ordered = needed.some((id) => dependsOn.includes(id) || json(resource.Properties).includes(`"${id}"`));
          if (needed.length === 0 || ordered) return [];
          return [
            {
              stack: stack.id,
              logicalId,
              path: `${stack.id}/Resources/${logicalId}`,
              problem: `${type} ${logicalId} is not ordered after ${needs} ${needed.join(', ')}: ${why}.`,
              fix: `add a dependency: ${logicalId}.node.addDependency(<the ${needs}>)`,
            },
          ];
        }),
    );
  });
}
