import {
  DeletePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  ListPodIdentityAssociationsCommand,
} from '@aws-sdk/client-eks';
import { GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { SERVICE_CATALOGUE, ServiceDefinition } from '../../lib/catalogue/service-catalogue';
import { POD_IDENTITY_ROLE_ANNOTATION } from '../../lib/charts/service-chart';
import { platformClusterName } from '../../lib/config/platform-config';
import { UsageError } from '../smoke/args';
import { IncidentContext, isAwsNotFound, isNotFound } from './context';
import { IncidentError } from './steps';

/** The inline policy `disable-service` puts on a service's role; its name says why it is there. */
export const INCIDENT_DENY_POLICY_NAME = 'incident-deny-all';

/** An explicit deny overrides every allow, for the role's current sessions too: IAM evaluates policies at each call. */
export const INCIDENT_DENY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'IncidentDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
} as const;

/** The catalogue's service by name; any other name is a usage error listing the known ones. */
export function catalogueService(name: string): ServiceDefinition {
  const service = SERVICE_CATALOGUE.services.find((s) => s.name === name);
  if (!service) {
    const known = SERVICE_CATALOGUE.services.map((s) => s.name).join(', ');
    throw new UsageError(`unknown service "${name}": name a service of the catalogue (${known})`);
  }
  return service;
}

/**
 * `disable-service <name>`: the service's pods lose AWS access at once. An explicit deny-all on its Pod Identity role
 * (which also stops credentials already handed out), then its Pod Identity associations are deleted so the agent hands
 * out none. The role is found through the associations and through the ServiceAccount annotation the chart writes,
 * so a rerun still finds it after the associations are gone.
 */
export async function disableService(context: IncidentContext, service: ServiceDefinition): Promise<void> {
  const clusterName = platformClusterName(context.profile);
  const { eks, iam } = context.aws;
  let associationIds: string[];
  try {
    const listed = await eks.send(
      new ListPodIdentityAssociationsCommand({ clusterName, namespace: service.namespace, serviceAccount: service.name }),
    );
    associationIds = (listed.associations ?? []).map((a) => a.associationId!);
  } catch (err) {
    if (isAwsNotFound(err)) {
      throw new UsageError(`cluster ${clusterName} not found in ${context.region}: check --profile (${context.profile}) and AWS_REGION`);
    }
    throw err;
  }
  const roleArns = new Set<string>();
  for (const associationId of associationIds) {
    const described = await eks.send(new DescribePodIdentityAssociationCommand({ clusterName, associationId }));
    if (described.association?.roleArn) roleArns.add(described.association.roleArn);
  }
  const annotated = await annotatedRole(context, service);
  if (annotated) roleArns.add(annotated);
  if (roleArns.size === 0) {
    throw new IncidentError(
      `no Pod Identity role found for ${service.namespace}/${service.name}: no association in ${clusterName} and no ` +
        `${POD_IDENTITY_ROLE_ANNOTATION} annotation on its ServiceAccount; is the service deployed?`,
    );
  }

  const document = JSON.stringify(INCIDENT_DENY_POLICY);
  for (const roleArn of roleArns) {
    const roleName = roleArn.split('/').pop()!;
    if (await hasPolicy(context, roleName, document))
      context.steps.unchanged('deny-role', roleArn, `inline policy ${INCIDENT_DENY_POLICY_NAME} already denies everything`);
    else
      await context.steps.change(
        'deny-role',
        roleArn,
        `put inline policy ${INCIDENT_DENY_POLICY_NAME}: explicit Deny of every action`,
        () => iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: INCIDENT_DENY_POLICY_NAME, PolicyDocument: document })),
      );
  }
  if (associationIds.length === 0)
    context.steps.unchanged(
      'delete-association',
      `${clusterName}/${service.namespace}/${service.name}`,
      'no Pod Identity association left',
    );
  for (const associationId of associationIds) {
    await context.steps.change(
      'delete-association',
      `${clusterName}/${associationId}`,
      `delete the Pod Identity association of ${service.namespace}/${service.name}: the agent hands its pods no credentials`,
      () => eks.send(new DeletePodIdentityAssociationCommand({ clusterName, associationId })),
    );
  }
}

async function annotatedRole(context: IncidentContext, service: ServiceDefinition): Promise<string | undefined> {
  try {
    const account = await context.kube().core.readNamespacedServiceAccount({ name: service.name, namespace: service.namespace });
    return account.metadata?.annotations?.[POD_IDENTITY_ROLE_ANNOTATION];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function hasPolicy(context: IncidentContext, roleName: string, document: string): Promise<boolean> {
  try {
    const found = await context.aws.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: INCIDENT_DENY_POLICY_NAME }));
    // IAM returns the document URL-encoded.
    return JSON.stringify(JSON.parse(decodeURIComponent(found.PolicyDocument ?? '{}'))) === document;
  } catch (err) {
    if (isAwsNotFound(err)) return false;
    throw err;
  }
}
