import { KUBERNETES_MANIFEST_TYPE, parseJson } from './cluster-resources';

/**
 * A small Kubernetes authorizer over rendered RBAC objects and EKS access entries: `can(authorization, principal,
 * verb, resource, namespace)` answers what the API server of an EKS cluster would, for the objects the platform
 * renders. It is written from the Kubernetes RBAC semantics and the documented rules of the EKS access policies, not
 * from our charts, so tests and the reviewer report can ask must-allow and must-deny questions of the output.
 *
 * EKS authorizes a request when either its access-entry authorizer (the access policies, within their scope) or
 * Kubernetes RBAC (the entry's groups in RoleBindings and ClusterRoleBindings) allows it: the union, as here.
 * Supported: rules with apiGroups, resources (`*`, `<resource>/<subresource>`), verbs and resourceNames; Role,
 * ClusterRole (no aggregation selectors: built-in roles come from BUILT_IN_CLUSTER_ROLES), RoleBinding and
 * ClusterRoleBinding with Group and User subjects. Anything else fails loudly.
 */

/** One allow rule of a Role, ClusterRole or access policy. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** @default - every object of the resource */
  readonly resourceNames?: readonly string[];
}

/** A Kubernetes object as rendered (RBAC kinds are read; every other kind is ignored). */
export type RenderedObject = {
  readonly kind: string;
  readonly metadata?: { name?: string; namespace?: string };
  readonly [key: string]: any;
};

/** One EKS access entry as the template declares it (AWS::EKS::AccessEntry). */
export interface AccessEntryGrant {
  readonly principalArn: string;
  readonly kubernetesGroups: readonly string[];
  readonly accessPolicies: readonly {
    /** The policy's name, e.g. `AmazonEKSEditPolicy` (the last part of its ARN). */
    readonly policy: string;
    /** `cluster`, or the namespaces the policy applies in. */
    readonly namespaces: 'cluster' | readonly string[];
  }[];
}

/** A request to the API server. */
export interface ResourceRequest {
  readonly verb: string;
  /** API group; `''` for the core group. */
  readonly group: string;
  /** Plural resource, with `/<subresource>` when the request is for one (`pods/exec`). */
  readonly resource: string;
  /** The request's namespace; undefined for cluster-scoped objects (Namespaces, ClusterRoles, CRDs, nodes). */
  readonly namespace?: string;
  /** @default - no name (list, create, deletecollection) */
  readonly name?: string;
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({ apiGroups, resources, verbs });

/**
 * Kubernetes' user-facing cluster roles (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles),
 * their rules as `kubectl get clusterrole view edit -o yaml` shows them on Kubernetes 1.35 (the aggregated result).
 * `view` reads most namespaced objects but no Secrets, roles or bindings; `edit` adds writes and Secrets, still no
 * roles, bindings, quotas or limit ranges.
 */
export const BUILT_IN_CLUSTER_ROLES: Readonly<Record<'view' | 'edit' | 'cluster-admin', readonly PolicyRule[]>> = (() => {
  const view = [
    rule(
      [''],
      [
        'configmaps',
        'endpoints',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
        'pods',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'serviceaccounts',
        'services',
        'services/status',
        'bindings',
        'events',
        'limitranges',
        'namespaces/status',
        'pods/log',
        'pods/status',
        'replicationcontrollers/status',
        'resourcequotas',
        'resourcequotas/status',
        'namespaces',
      ],
      READ,
    ),
    rule(['discovery.k8s.io'], ['endpointslices'], READ),
    rule(
      ['apps'],
      [
        'controllerrevisions',
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status',
      ],
      READ,
    ),
    rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
    rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
    rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
    rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
  ];
  const edit = [
    ...view,
    rule([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], READ),
    rule([''], ['serviceaccounts'], ['impersonate']),
    rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
    rule([''], ['pods/eviction'], ['create']),
    rule(
      [''],
      [
        'configmaps',
        'events',
        'persistentvolumeclaims',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'secrets',
        'serviceaccounts',
        'services',
        'services/proxy',
      ],
      WRITE,
    ),
    rule([''], ['serviceaccounts/token'], ['create']),
    rule(
      ['apps'],
      [
        'daemonsets',
        'deployments',
        'deployments/rollback',
        'deployments/scale',
        'replicasets',
        'replicasets/scale',
        'statefulsets',
        'statefulsets/scale',
      ],
      WRITE,
    ),
    rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
    rule(['batch'], ['cronjobs', 'jobs'], WRITE),
    rule(['policy'], ['poddisruptionbudgets'], WRITE),
    rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
    rule(['coordination.k8s.io'], ['leases'], [...READ, ...WRITE]),
  ];
  return { view, edit, 'cluster-admin': [rule(['*'], ['*'], ['*'])] };
})();

/**
 * The EKS access policies the platform grants, by name, with the built-in role whose rules the EKS documentation
 * lists for each (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html: "similar to the
 * Kubernetes user-facing cluster roles"; AmazonEKSViewPolicy, like `view`, has no Secrets).
 */
export const EKS_ACCESS_POLICY_RULES: Readonly<Record<string, readonly PolicyRule[]>> = {
  AmazonEKSViewPolicy: BUILT_IN_CLUSTER_ROLES.view,
  AmazonEKSEditPolicy: BUILT_IN_CLUSTER_ROLES.edit,
  AmazonEKSClusterAdminPolicy: BUILT_IN_CLUSTER_ROLES['cluster-admin'],
};

/** Who and what may do what in a cluster: rendered RBAC objects plus access entries. */
export interface Authorization {
  readonly objects: readonly RenderedObject[];
  readonly accessEntries: readonly AccessEntryGrant[];
}

const matchesAny = (values: readonly string[], value: string) => values.includes('*') || values.includes(value);

/** Whether one rule allows the request (the rule's namespace binding is checked by the caller). */
export function ruleAllows(policyRule: PolicyRule, request: ResourceRequest): boolean {
  if (!matchesAny(policyRule.apiGroups, request.group) || !matchesAny(policyRule.verbs, request.verb)) return false;
  const [resource, subresource] = request.resource.split('/');
  const resourceMatches = policyRule.resources.some(
    (r) =>
      r === '*' ||
      r === request.resource ||
      (subresource !== undefined && r === `${resource}/*`) ||
      (subresource === undefined && r === resource),
  );
  if (!resourceMatches) return false;
  return (
    policyRule.resourceNames === undefined ||
    policyRule.resourceNames.length === 0 ||
    (request.name !== undefined && policyRule.resourceNames.includes(request.name))
  );
}

function rulesOf(objects: readonly RenderedObject[], roleRef: { kind: string; name: string }, namespace?: string): readonly PolicyRule[] {
  if (roleRef.kind === 'ClusterRole') {
    const declared = objects.find((o) => o.kind === 'ClusterRole' && o.metadata?.name === roleRef.name);
    if (declared) {
      if (declared.aggregationRule) throw new Error(`rbac evaluator: ClusterRole ${roleRef.name} aggregates; unsupported`);
      return declared.rules ?? [];
    }
    const builtIn = (BUILT_IN_CLUSTER_ROLES as Record<string, readonly PolicyRule[]>)[roleRef.name];
    if (!builtIn) throw new Error(`rbac evaluator: ClusterRole ${roleRef.name} is neither rendered nor a known built-in role`);
    return builtIn;
  }
  if (roleRef.kind === 'Role') {
    const role = objects.find((o) => o.kind === 'Role' && o.metadata?.name === roleRef.name && o.metadata?.namespace === namespace);
    return role?.rules ?? [];
  }
  throw new Error(`rbac evaluator: roleRef kind ${roleRef.kind} unsupported`);
}

function subjectMatches(subjects: readonly any[] | undefined, principalArn: string, groups: readonly string[]): boolean {
  return (subjects ?? []).some((s) => {
    if (s.kind === 'Group') return groups.includes(s.name);
    if (s.kind === 'User') return s.name === principalArn;
    if (s.kind === 'ServiceAccount') return false;
    throw new Error(`rbac evaluator: subject kind ${s.kind} unsupported`);
  });
}

/**
 * Whether the IAM principal (the ARN of its access entry) may make the request. A principal without an access entry
 * cannot authenticate at all (the cluster accepts access entries only).
 */
export function can(authorization: Authorization, principalArn: string, request: ResourceRequest): boolean {
  const entry = authorization.accessEntries.find((e) => e.principalArn === principalArn);
  if (!entry) return false;
  // 1. The access-entry authorizer: each policy within its scope.
  for (const policy of entry.accessPolicies) {
    const rules = EKS_ACCESS_POLICY_RULES[policy.policy];
    if (!rules) throw new Error(`rbac evaluator: access policy ${policy.policy} has no known rules`);
    const inScope = policy.namespaces === 'cluster' || (request.namespace !== undefined && policy.namespaces.includes(request.namespace));
    if (inScope && rules.some((r) => ruleAllows(r, request))) return true;
  }
  // 2. Kubernetes RBAC for the entry's groups (EKS also puts every authenticated principal in system:authenticated,
  // whose built-in grants are discovery only, which no question here asks about).
  for (const binding of authorization.objects) {
    if (binding.kind !== 'RoleBinding' && binding.kind !== 'ClusterRoleBinding') continue;
    if (!subjectMatches(binding.subjects, principalArn, entry.kubernetesGroups)) continue;
    if (binding.kind === 'RoleBinding') {
      const namespace = binding.metadata?.namespace;
      if (request.namespace === undefined || request.namespace !== namespace) continue;
      if (rulesOf(authorization.objects, binding.roleRef, namespace).some((r) => ruleAllows(r, request))) return true;
    } else if (rulesOf(authorization.objects, binding.roleRef).some((r) => ruleAllows(r, request))) {
      return true;
    }
  }
  return false;
}

/** The literal text of a template value: a string as is, an `Fn::Join` joined, anything else (a reference) as its JSON. */
function literal(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (join) return join[1].map(literal).join(join[0]);
  return JSON.stringify(value);
}

/** The AWS::EKS::AccessEntry resources of CloudFormation templates, as the evaluator reads them. */
export function accessEntriesOf(templates: readonly { readonly Resources?: Readonly<Record<string, any>> }[]): AccessEntryGrant[] {
  return templates.flatMap((template) =>
    Object.values(template.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::EKS::AccessEntry')
      .map((resource) => {
        const p = resource.Properties ?? {};
        return {
          principalArn: literal(p.PrincipalArn),
          kubernetesGroups: p.KubernetesGroups ?? [],
          accessPolicies: (p.AccessPolicies ?? []).map((policy: any) => ({
            policy: literal(policy.PolicyArn).split('/').pop()!,
            namespaces: policy.AccessScope?.Type === 'cluster' ? ('cluster' as const) : [...(policy.AccessScope?.Namespaces ?? [])],
          })),
        };
      }),
  );
}

type TemplateLike = { readonly Resources?: Readonly<Record<string, any>> };

/**
 * What the synthesized templates authorize in the cluster: the objects of every Kubernetes manifest resource (deploy-time
 * values as placeholders) and every access entry. Helm charts' own RBAC binds service accounts only, none of it a
 * person's group, so it is not needed to answer for people.
 */
export function clusterAuthorization(templates: readonly TemplateLike[]): Authorization {
  const objects = templates.flatMap((template) =>
    Object.values(template.Resources ?? {})
      .filter((resource) => resource.Type === KUBERNETES_MANIFEST_TYPE)
      .flatMap((resource) => {
        const parsed = parseJson(resource.Properties?.Manifest);
        return Array.isArray(parsed.json) ? (parsed.json as RenderedObject[]) : [];
      }),
  );
  return { objects, accessEntries: accessEntriesOf(templates) };
}
