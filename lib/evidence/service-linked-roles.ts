import {
  AssemblyInput,
  DeployTrap,
  intrinsic,
  isObject,
  stackTemplates,
  templatePath,
  TemplateResource,
  walkJson,
} from './stack-templates';

/** `…:role/aws-service-role/<service>/<name>`: the ARN of a service-linked role, with its service. */
const SERVICE_LINKED_ROLE = /:role\/aws-service-role\/([^/]+)\/[^/]+$/;

/** The text of a principal ARN as a template holds it: a literal, or the literal parts of an `Fn::Join`. */
function arnText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const join = intrinsic(value, 'Fn::Join');
  if (Array.isArray(join) && Array.isArray(join[1]))
    return join[1].map((part: unknown) => (typeof part === 'string' ? part : '*')).join('');
  return undefined;
}

/** The service whose service-linked role a resource creates: `AWS::IAM::ServiceLinkedRole`, or aws-cdk-lib's AwsCustomResource calling CreateServiceLinkedRole. */
function createdServiceLinkedRole(resource: TemplateResource): string | undefined {
  if (resource.Type === 'AWS::IAM::ServiceLinkedRole') return String(resource.Properties?.AWSServiceName);
  if (resource.Type !== 'Custom::AWS' || typeof resource.Properties?.Create !== 'string') return undefined;
  const call = JSON.parse(resource.Properties.Create);
  return call.action === 'createServiceLinkedRole' ? call.parameters?.AWSServiceName : undefined;
}

/**
 * 6. Every resource whose policy names a service-linked role (a principal under `role/aws-service-role/`) without
 * depending on a resource of its stack that creates that role. AWS creates such a role only with the service's first
 * use in the account (the Auto Scaling role with the first Auto Scaling group), and KMS refuses a key policy naming a
 * principal that does not exist (MalformedPolicyDocumentException), as S3, SNS and SQS refuse such resource policies:
 * in a fresh account the first deploy fails.
 */
export function serviceLinkedRolesNotCreatedFirst(input: AssemblyInput): DeployTrap[] {
  return stackTemplates(input).flatMap((stack) => {
    const resources = Object.entries(stack.template.Resources ?? {});
    const creators = resources.flatMap(([id, r]) => {
      const service = createdServiceLinkedRole(r);
      return service ? [{ id, service }] : [];
    });
    return resources.flatMap(([logicalId, resource]) => {
      const dependsOn = [resource.DependsOn ?? []].flat();
      const named = new Set<string>();
      for (const { node } of walkJson(resource.Properties)) {
        if (!isObject(node) || !isObject(node.Principal)) continue;
        for (const principal of [node.Principal.AWS].flat()) {
          const service = SERVICE_LINKED_ROLE.exec(arnText(principal) ?? '')?.[1];
          if (service) named.add(service);
        }
      }
      return [...named]
        .filter((service) => !creators.some((c) => c.service === service && dependsOn.includes(c.id)))
        .map((service) => ({
          stack: stack.id,
          logicalId,
          path: templatePath(stack, ['Resources', logicalId]),
          problem:
            `${resource.Type} ${logicalId} names the ${service} service-linked role, and nothing it depends on creates it: AWS creates ` +
            'that role only with the service\u2019s first use, and a policy naming a principal that does not exist is refused.',
          fix: `create it first (ServiceLinkedRole, lib/constructs/service-linked-role.ts) and add ${logicalId}.node.addDependency(<it>).`,
        }));
    });
  });
}
