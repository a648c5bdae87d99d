import { ConfigError } from '../catalogue/config-error';
import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { serviceNamespaces } from '../charts/call-graph';
import { TEAM_ACCESS_LEVELS, TeamDefinition } from '../charts/team-namespace';
import { ISTIO_NAMESPACE } from '../constructs/istio-ambient-mesh';
import { CERT_MANAGER_NAMESPACE } from '../constructs/platform-ca';
import { roleIdentity } from '../private/access-entry-principal';

/** A DNS-1123 label: what Kubernetes accepts as a namespace name. */
const DNS_1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** An IAM role ARN, with or without a path (IAM Identity Center roles have one). */
export const IAM_ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** Namespaces of Kubernetes, EKS add-ons and the platform's components, which no team may own. */
const SYSTEM_NAMESPACES: readonly string[] = ['default', 'amazon-cloudwatch', ISTIO_NAMESPACE, CERT_MANAGER_NAMESPACE];

/**
 * Every problem of the teams configuration: names that are not DNS labels, repeated, or a service's or the system's
 * namespace; unknown access levels; role ARNs that are not IAM role ARNs, repeated across teams or already an admin's
 * (EKS allows one access entry per principal).
 */
export function teamsErrors(
  teams: readonly TeamDefinition[],
  adminRoleArns: readonly string[],
  catalogue: ServiceCatalogue,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const taken = new Set([...serviceNamespaces(catalogue), catalogue.ingress.namespace, ...SYSTEM_NAMESPACES]);
  const principal = (arn: string) => (IAM_ROLE_ARN_PATTERN.test(arn) ? roleIdentity(arn) : arn);
  const owners = new Map<string, string>(adminRoleArns.map((arn) => [principal(arn), 'cluster.adminRoleArns']));
  const seen = new Set<string>();
  teams.forEach((team, index) => {
    const field = `cluster.teams[${index}]`;
    if (!DNS_1123_LABEL.test(team.name) || team.name.startsWith('kube-')) {
      errors.push(
        new ConfigError(`${field}.name`, team.name, 'use a lowercase DNS label (a-z, 0-9, -; at most 63) not starting with kube-'),
      );
    } else if (taken.has(team.name)) {
      errors.push(
        new ConfigError(
          `${field}.name`,
          team.name,
          `choose a namespace no service or system component uses (taken: ${[...taken].join(', ')})`,
        ),
      );
    } else if (seen.has(team.name)) {
      errors.push(new ConfigError(`${field}.name`, team.name, 'team names are namespaces: give each team its own'));
    }
    seen.add(team.name);
    if (!TEAM_ACCESS_LEVELS.includes(team.access)) {
      errors.push(new ConfigError(`${field}.access`, team.access, `use one of ${TEAM_ACCESS_LEVELS.join(', ')}`));
    }
    for (const arn of team.roleArns) {
      if (!IAM_ROLE_ARN_PATTERN.test(arn)) {
        errors.push(
          new ConfigError(
            `${field}.roleArns`,
            arn,
            'use an IAM role ARN such as arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_0123456789abcdef',
          ),
        );
        continue;
      }
      const owner = owners.get(principal(arn));
      if (owner !== undefined) {
        errors.push(
          new ConfigError(
            `${field}.roleArns`,
            arn,
            `this role already has an access entry (${owner}); EKS allows one per role: give it to one team or none`,
          ),
        );
      }
      owners.set(principal(arn), `${field}.roleArns`);
    }
    const workloads = team.workloads;
    if (workloads !== undefined && !(Number.isInteger(workloads) && workloads >= 1 && workloads <= 50)) {
      errors.push(new ConfigError(`${field}.workloads`, workloads, 'use a whole number from 1 to 50'));
    }
  });
  return errors;
}
