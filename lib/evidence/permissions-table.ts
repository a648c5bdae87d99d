import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { list, StatementJson } from './policy-evaluator';
import { placeholder, SynthesizedPolicies } from './synthesized-policies';
import { Authorization, can } from './rbac-evaluator';

/** Whose permissions a table row shows: a name (the catalogue service) and its role construct. */
export interface NamedRole {
  readonly name: string;
  readonly role: IConstruct;
}

/** The construct path of every CloudFormation element under the root, keyed by its placeholder. */
export function constructPaths(root: IConstruct): Map<string, string> {
  const paths = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    if (!(construct instanceof CfnElement)) continue;
    const stack = Stack.of(construct);
    paths.set(placeholder(stack.stackName, stack.resolve(construct.logicalId)), construct.node.path);
  }
  return paths;
}

/**
 * Replaces resolved-template placeholders with the construct path of the resource they name (without the trailing
 * `/Resource` ids), so a rendered policy reads `<Data/Tables/orders>` instead of a hashed logical id.
 */
export function constructPathLabels(root: IConstruct): (text: string) => string {
  const paths = constructPaths(root);
  return (text) =>
    text.replace(/\{\{([^:{}]+):([^.{}]+)(?:\.([^{}]+))?\}\}/g, (match, stackName: string, logicalId: string, attribute?: string) => {
      const path = withoutResourceSuffix(paths.get(placeholder(stackName, logicalId)));
      if (!path) return match;
      return attribute && attribute !== 'Arn' ? `<${path}>.${attribute}` : `<${path}>`;
    });
}

const cell = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(', ');

/** A construct path without the trailing `/Resource` segments L2 constructs add to their CloudFormation resource. */
function withoutResourceSuffix(path: string | undefined): string | undefined {
  let trimmed = path;
  while (trimmed?.endsWith('/Resource')) trimmed = trimmed.slice(0, -'/Resource'.length);
  return trimmed;
}

function conditionsCell(statement: StatementJson, label: (text: string) => string): string {
  const parts = Object.entries(statement.Condition ?? {}).flatMap(([operator, entries]) =>
    Object.entries(entries).map(([key, value]) => {
      const values = (Array.isArray(value) ? value : [value]).map((v) => label(String(v)));
      return `\`${key}\` ${operator} ${cell(values)}`;
    }),
  );
  return parts.length > 0 ? parts.join('; ') : '—';
}

/**
 * The README's permissions table: one row per statement of each role's synthesized identity policies, in
 * catalogue order, so the documentation is generated from what deploys rather than from what the code meant.
 */
export function renderPermissionsTable(
  policies: SynthesizedPolicies,
  label: (text: string) => string,
  roles: readonly NamedRole[],
): string {
  const rows = roles.flatMap(({ name, role }) =>
    policies.statementsOf(role).map((statement) => {
      const actions = statement.Action ? list(statement.Action) : list(statement.NotAction).map((a) => `NOT ${a}`);
      const resources = statement.Resource ? list(statement.Resource) : list(statement.NotResource).map((r) => `NOT ${r}`);
      return `| ${name} | ${statement.Effect} | ${cell(actions)} | ${cell(resources.map(label))} | ${conditionsCell(statement, label)} |`;
    }),
  );
  return ['| Service | Effect | Actions | Resources | Conditions |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** A user pool group and the scopes the token trigger grants its members, as the synthesized template holds them. */
export interface UserRole {
  readonly group: string;
  readonly scopes: readonly string[];
}

/**
 * The users' roles of a synthesized template: every Cognito group, with the scopes in the environment of the pool's
 * token trigger (`groupScopesVariable`), in template order.
 */
export function userRoles(template: { Resources?: Record<string, any> }, groupScopesVariable: string): UserRole[] {
  const resources = Object.values<any>(template.Resources ?? {});
  const trigger = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.[groupScopesVariable]);
  const grants: Record<string, string[]> = trigger ? JSON.parse(trigger.Properties.Environment.Variables[groupScopesVariable]) : {};
  return resources
    .filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')
    .map((r) => ({ group: r.Properties.GroupName, scopes: grants[r.Properties.GroupName] ?? [] }));
}

/**
 * The README's user roles table: per Cognito group, the scopes its members' access tokens carry and the public routes
 * (`METHOD /path`) those scopes open. A user in no group gets no scope and calls nothing.
 */
export function renderUserRolesTable(roles: readonly UserRole[], routes: readonly { key: string; scope: string }[]): string {
  const rows = roles.map(({ group, scopes }) => {
    const opened = routes.filter((route) => scopes.includes(route.scope)).map((route) => route.key);
    return `| ${group} | ${cell(scopes)} | ${opened.length > 0 ? cell(opened) : '—'} |`;
  });
  return ['| Group | Scopes in its access tokens | Public routes it opens |', '| --- | --- | --- |', ...rows].join('\n');
}

/** What one team access entry grants, as the RBAC evaluator answers it. */
export interface TeamAccessRow {
  /** The entry's role: its ARN, or `role <logical id> (created by the stack)` for a role the templates create. */
  readonly principal: string;
  readonly namespaces: readonly string[];
  readonly policies: readonly string[];
  readonly groups: readonly string[];
  /** `<kind> <namespace>/<name> → <role kind> <role>` of every binding naming one of its groups. */
  readonly bindings: readonly string[];
  readonly secretsInItsNamespaces: boolean;
  /** Whether it reads Secrets in any other namespace the templates create, kube-system or default. */
  readonly secretsElsewhere: boolean;
  readonly clusterScopedObjects: boolean;
}

/** One row per team access entry (an entry carrying Kubernetes groups) of the synthesized templates. */
export function teamAccessRows(authz: Authorization): TeamAccessRow[] {
  const known = [
    ...new Set(['kube-system', 'default', ...authz.objects.filter((o) => o.kind === 'Namespace').map((o) => String(o.metadata?.name))]),
  ];
  return authz.accessEntries
    .filter((entry) => entry.kubernetesGroups.length > 0)
    .map((entry) => {
      const namespaces = entry.accessPolicies.flatMap((p) => (p.namespaces === 'cluster' ? ['(cluster)'] : p.namespaces));
      const secrets = (namespace: string) => can(authz, entry.principalArn, { verb: 'get', group: '', resource: 'secrets', namespace });
      return {
        principal: principalLabel(entry.principalArn),
        namespaces,
        policies: entry.accessPolicies.map((p) => p.policy),
        groups: entry.kubernetesGroups,
        bindings: authz.objects
          .filter((o) => o.kind.endsWith('RoleBinding') && (o.subjects ?? []).some((s: any) => entry.kubernetesGroups.includes(s.name)))
          .map((o) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name} → ${o.roleRef.kind} ${o.roleRef.name}`),
        secretsInItsNamespaces: namespaces.every(secrets),
        secretsElsewhere: known.filter((ns) => !namespaces.includes(ns)).some(secrets),
        clusterScopedObjects: can(authz, entry.principalArn, { verb: 'create', group: '', resource: 'namespaces' }),
      };
    });
}

/** A principal as the table names it: an ARN, or the logical id of a role the templates create (a reference). */
function principalLabel(principalArn: string): string {
  const created = /^\{"Fn::GetAtt":\["([^"]+)","Arn"\]\}$/.exec(principalArn);
  return created ? `role ${created[1]} (created by the stack)` : principalArn;
}

/**
 * The README's team-access table: one row per team access entry of the synthesized templates, with what the RBAC
 * evaluator answers for it, so the documentation shows what deploys, not what the configuration meant.
 */
export function renderTeamAccessTable(authz: Authorization): string {
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const rows = teamAccessRows(authz).map(
    (row) =>
      `| ${cell([row.principal])} | ${cell(row.namespaces)} | ${cell(row.policies)} | ${cell(row.groups)} | ` +
      `${row.bindings.join('; ') || '—'} | ${yesNo(row.secretsInItsNamespaces)} | ${yesNo(row.secretsElsewhere)} | ` +
      `${yesNo(row.clusterScopedObjects)} |`,
  );
  return [
    '| Role (access entry) | Namespaces | Access policy | Kubernetes group | Bindings | Secrets in its namespace | Secrets elsewhere | Cluster-scoped objects |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
