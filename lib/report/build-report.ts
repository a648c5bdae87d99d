import * as cdk8s from 'cdk8s';
import { IConstruct } from 'constructs';
import { Manifest } from '../evidence/access-layers';
import { createPlatformCharts } from '../charts';
import { ACKNOWLEDGEMENTS, Acknowledgement } from '../compliance/acknowledgements';
import { CONTROLS, ControlEvidence, SecurityControl } from '../compliance/controls';
import { GateFinding } from '../compliance/gate-findings';
import { publicRoutes, routeKey } from '../catalogue/service-catalogue';
import { TOKEN_SCOPES_ENV } from '../private/token-scopes-trigger';
import { constructPathLabels, teamAccessRows, userRoles } from '../evidence/permissions-table';
import { clusterAuthorization } from '../evidence/rbac-evaluator';
import { list } from '../evidence/policy-evaluator';
import { SynthesizedPolicies } from '../evidence/synthesized-policies';
import { Platform } from '../platform';
import { architectureDot } from './architecture-graph';
import { AssemblyView } from '../evidence/assembly-view';
import { callGraphDot } from './call-graph';
import { callPairs } from '../evidence/call-pairs';
import { controlStatus, ControlStatus } from './control-status';
import { ReviewerReport, RolePermissions, UserRolePermissions } from './render-report';
import { renderSvg } from './render-svg';

/**
 * The Kubernetes objects the platform applies, rendered from the same chart props the Workloads stack uses
 * (deploy-time values stay CDK tokens, which no control reads). Empty when prod has no image digests.
 */
export function platformManifests(platform: Platform): Manifest[] {
  if (!platform.gitOps) return [];
  const charts = createPlatformCharts(new cdk8s.App(), { ...platform.gitOps.charts, warn: () => undefined });
  return charts.all.flatMap((chart) => chart.toJson() as Manifest[]);
}

/** Every registered control's status in this environment, in registry order. */
export function controlStatuses(
  evidence: ControlEvidence,
  findings: readonly GateFinding[],
  acknowledgements: readonly Acknowledgement[] = ACKNOWLEDGEMENTS,
  controls: readonly SecurityControl[] = CONTROLS,
): ControlStatus[] {
  return controls.map((control) => controlStatus(control, evidence, findings, acknowledgements));
}

/** The roles whose permissions the report lists: each service's Pod Identity role, then the identity-pool role. */
export function reportedRoles(platform: Platform): { name: string; role: IConstruct }[] {
  return [
    ...platform.catalogue.services.map((s) => ({
      name: `${s.name} (Pod Identity role)`,
      role: platform.data.identities.get(s.name)!.role as IConstruct,
    })),
    { name: 'identity-pool users (authenticated role)', role: platform.edge.identity.authenticatedRole },
  ];
}

/** What each reported role may do, read from the synthesized policies, resources named by construct path. */
export function rolePermissions(policies: SynthesizedPolicies, platform: Platform, root: IConstruct): RolePermissions[] {
  const label = constructPathLabels(root);
  return reportedRoles(platform).map(({ name, role }) => ({
    role: name,
    statements: policies.statementsOf(role).map((s) => ({
      effect: s.Effect,
      actions: s.Action ? list(s.Action) : list(s.NotAction).map((a) => `NOT ${a}`),
      resources: (s.Resource ? list(s.Resource) : list(s.NotResource).map((r) => `NOT ${r}`)).map(label),
      conditions:
        Object.entries(s.Condition ?? {})
          .flatMap(([operator, entries]) =>
            Object.entries(entries).map(
              ([key, value]) => `${key} ${operator} ${(Array.isArray(value) ? value : [value]).map((v) => label(String(v))).join(', ')}`,
            ),
          )
          .join('; ') || undefined,
    })),
  }));
}

/** Users' groups as the synthesized Edge template defines them, with the public routes their scopes open. */
export function userRolePermissions(assembly: AssemblyView, platform: Platform): UserRolePermissions[] {
  const routes = publicRoutes(platform.catalogue);
  return userRoles(assembly.templates[platform.edge.artifactId], TOKEN_SCOPES_ENV.groupScopes).map(({ group, scopes }) => ({
    group,
    scopes,
    routes: routes.filter((route) => scopes.includes(route.scope)).map(routeKey),
  }));
}

export interface ReportInputs {
  /** The platform built in-process from the same context as the assembly (for construct paths and manifests). */
  readonly platform: Platform;
  /** The app the platform is built in (construct paths for labels). */
  readonly root: IConstruct;
  readonly profile: string;
  /** The synthesized environment: `cdk.out`, or the in-process synth in tests. */
  readonly assembly: AssemblyView;
  readonly policies: SynthesizedPolicies;
  /** The gate's findings before acknowledgements (`rawGateFindings`). */
  readonly findings: readonly GateFinding[];
}

/** The whole reviewer report: controls matrix, both pictures, call pairs, permissions and user roles. */
export async function buildReviewerReport(inputs: ReportInputs): Promise<ReviewerReport> {
  const manifests = platformManifests(inputs.platform);
  const { catalogue } = inputs.platform;
  const controls = controlStatuses({ assembly: inputs.assembly, manifests, profile: inputs.profile, catalogue }, inputs.findings);
  const pairs = manifests.length > 0 ? callPairs(catalogue, manifests) : [];
  return {
    title: 'Secure microservice platform — security reviewer report',
    environment: `profile ${inputs.profile}, stacks ${inputs.assembly.stackNames.join(', ')}`,
    controls,
    acknowledgements: ACKNOWLEDGEMENTS,
    architectureSvg: await renderSvg(architectureDot(inputs.assembly, manifests)),
    callGraphSvg: pairs.length > 0 ? await renderSvg(callGraphDot(catalogue, pairs)) : '',
    callPairs: pairs,
    permissions: rolePermissions(inputs.policies, inputs.platform, inputs.root),
    userRoles: userRolePermissions(inputs.assembly, inputs.platform),
    teamAccess: teamAccessRows(clusterAuthorization(Object.values(inputs.assembly.templates))),
  };
}
