import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App as Cdk8sApp } from 'cdk8s';
import { Construct, IDependable } from 'constructs';
import { MtlsMode } from '../catalogue/service-contract';
import { TeamDefinition, teamGroup, TeamsChart } from '../charts/team-namespace';
import { WorkloadSettings } from '../charts/workload-settings';
import { accessEntryPrincipalArn } from '../private/access-entry-principal';
import { createOperatorRole } from '../private/operator-role';
import { ClusterManifest } from './cluster-manifest';

/** The EKS access policy each team access level gets, scoped to the team's namespace. */
export const TEAM_ACCESS_POLICIES = { edit: 'AmazonEKSEditPolicy', view: 'AmazonEKSViewPolicy' } as const;

/** Construct id of the teams chart (also its manifest's id). */
export const TEAMS_CHART_ID = 'platform-teams';

export interface TeamAccessProps {
  readonly cluster: eks.ICluster;
  /** Validated teams: unique names and role ARNs, none an admin's; a team without role ARNs gets a role created for it (`teamRoles`). */
  readonly teams: readonly TeamDefinition[];
  readonly mtls: MtlsMode;
  /** Sizes each team namespace's quota and limits. */
  readonly workload: WorkloadSettings;
  /** The namespaces are applied after these and deleted before them. @default - none */
  readonly dependsOn?: readonly IDependable[];
}

/**
 * Team tenancy: each team's namespace (restricted, default-deny, quota and limits) with a RoleBinding of its group to
 * `edit` or `view`, and one access entry per team role that carries the group and the matching EKS access policy
 * scoped to the team's namespace, so neither path grants anything outside it. Cluster admins are not teams: they
 * stay PrivateCluster's explicit list.
 */
export class TeamAccess extends Construct {
  readonly manifest?: ClusterManifest;
  readonly accessEntries: readonly eks.CfnAccessEntry[];
  /** The roles created for teams that name none, by team name. */
  readonly teamRoles: ReadonlyMap<string, iam.Role>;

  constructor(scope: Construct, id: string, props: TeamAccessProps) {
    super(scope, id);
    const { partition } = Stack.of(this);
    if (props.teams.length > 0) {
      const chart = new TeamsChart(new Cdk8sApp(), TEAMS_CHART_ID, { teams: props.teams, mtls: props.mtls, workload: props.workload });
      this.manifest = new ClusterManifest(this, 'Namespaces', { cluster: props.cluster, chart, dependsOn: props.dependsOn });
    }
    const teamRoles = new Map<string, iam.Role>();
    const roleArnsOf = (team: TeamDefinition): readonly string[] => {
      if (team.roleArns.length > 0) return team.roleArns;
      const description = `Team ${team.name}: ${team.access} in namespace ${team.name} of ${props.cluster.clusterName}`;
      const role = createOperatorRole(this, `${team.name}-role`, { cluster: props.cluster, description, kind: 'team' });
      teamRoles.set(team.name, role);
      return [role.roleArn];
    };
    this.accessEntries = props.teams.flatMap((team) =>
      roleArnsOf(team).map((roleArn, index) => {
        const entry = new eks.CfnAccessEntry(this, `${team.name}-${index}`, {
          clusterName: props.cluster.clusterName,
          principalArn: accessEntryPrincipalArn(roleArn),
          type: 'STANDARD',
          kubernetesGroups: [teamGroup(team)],
          accessPolicies: [
            {
              policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${TEAM_ACCESS_POLICIES[team.access]}`,
              accessScope: { type: 'namespace', namespaces: [team.name] },
            },
          ],
        });
        // The RoleBinding naming the group exists before anyone can sign in with it.
        if (this.manifest) entry.node.addDependency(this.manifest);
        return entry;
      }),
    );
    this.teamRoles = teamRoles;
  }
}
