import { Chart } from 'cdk8s';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Construct } from 'constructs';
import { MtlsMode } from '../catalogue/service-contract';
import { platformNamespace } from './namespace';
import { defaultDenyPolicy } from './network-policies';
import { limitRange, resourceQuota } from './resource-budget';
import { addTypedObject, TypedManifest } from './typed-object';
import { WorkloadSettings } from './workload-settings';

/** `edit`: change most objects of the namespace, Secrets included; `view`: read them, Secrets excluded (Kubernetes' `edit` and `view`). */
export type TeamAccessLevel = 'edit' | 'view';

export const TEAM_ACCESS_LEVELS: readonly TeamAccessLevel[] = ['edit', 'view'];

/** Workloads a team namespace's quota makes room for when the team does not say. */
export const DEFAULT_TEAM_WORKLOADS = 2;

/** An operator team: a namespace of its own and namespace-scoped access to it for the team's IAM roles. */
export interface TeamDefinition {
  /** The team's namespace: a DNS-1123 label, not a service's or the system's namespace. */
  readonly name: string;
  readonly access: TeamAccessLevel;
  /**
   * IAM roles of the team's operators, e.g. IAM Identity Center permission-set roles as IAM shows them, path included
   * (`…:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<set>_<suffix>`); empty: the Cluster stack creates
   * one role for the team, which this account's principals that IAM allows to assume it can use.
   */
  readonly roleArns: readonly string[];
  /** Workloads the namespace's quota makes room for, each at the maximum replicas. @default DEFAULT_TEAM_WORKLOADS */
  readonly workloads?: number;
}

/** The Kubernetes group the team's access entries carry and its RoleBinding names; not `system:`-prefixed (EKS refuses those). */
export function teamGroup(team: TeamDefinition): string {
  return `platform-team-${team.name}-${team.access}`;
}

/** Binds the team's group to the built-in `edit` or `view` ClusterRole inside its namespace only. */
export function teamRoleBinding(team: TeamDefinition): IRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `team-${team.access}`, namespace: team.name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: team.access },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: teamGroup(team) }],
  };
}

/**
 * Everything a team namespace holds, as the service namespaces get it (restricted pod security, default-deny,
 * quota and limits), plus the team's RoleBinding.
 */
export function teamNamespaceObjects(team: TeamDefinition, mtls: MtlsMode, workload: WorkloadSettings): TypedManifest[] {
  return [
    platformNamespace(team.name, mtls),
    defaultDenyPolicy(team.name, mtls),
    resourceQuota(team.name, team.workloads ?? DEFAULT_TEAM_WORKLOADS, workload),
    limitRange(team.name, workload),
    teamRoleBinding(team),
  ];
}

export interface TeamsChartProps {
  readonly teams: readonly TeamDefinition[];
  readonly mtls: MtlsMode;
  /** Sizes each team's ResourceQuota and LimitRange, like a service's. */
  readonly workload: WorkloadSettings;
}

/** The team namespaces of the cluster, each with its RBAC. */
export class TeamsChart extends Chart {
  constructor(scope: Construct, id: string, props: TeamsChartProps) {
    super(scope, id);
    for (const team of props.teams) {
      teamNamespaceObjects(team, props.mtls, props.workload).forEach((object) => {
        addTypedObject(this, `${team.name}-${object.kind.toLowerCase()}`, object);
      });
    }
  }
}
