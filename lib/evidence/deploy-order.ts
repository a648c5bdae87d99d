import { BUILT_IN_GROUPS, chartApisOf, ChartApis, CreatedObject, AdmissionWebhook, NAMESPACE_NAME_LABEL } from './chart-apis';
import { HelmRelease, helmReleases, KubernetesObject, ManifestResource, manifestResources, ResourceRef } from './cluster-resources';
import {
  AssemblyInput,
  DeployTrap,
  intrinsic,
  producerOf,
  StackTemplate,
  stackOutputReferences,
  stackTemplates,
  templatePath,
  transitiveDependencies,
  walkJson,
} from './stack-templates';

/**
 * Checks that a synthesized platform deploys in an order that works: weak cross-stack references
 * (`Fn::GetStackOutput`) only where CloudFormation has confirmed them, no stack cycles, and every Kubernetes object
 * applied only after the charts that install its API and the webhooks that admit it. Each check is a pure function
 * of the templates and the manifest's stack dependencies.
 */

export { describeTrap, stackTemplates } from './stack-templates';
export type { AssemblyInput, DeployTrap, StackTemplate } from './stack-templates';

/**
 * Functions CloudFormation deployments have confirmed `Fn::GetStackOutput` inside (cfn-lint PRs 4495 and 4519,
 * 2026-05). Anything else, e.g. `Fn::Split`, is unconfirmed; aws-cdk PR 37948 notes regions then differed.
 */
const CONFIRMED_ENCLOSING_FUNCTIONS: ReadonlySet<string> = new Set(['Fn::Join', 'Fn::If', 'Fn::Select', 'Fn::Sub', 'Fn::Base64']);

/** 1. Every `Fn::GetStackOutput` outside a resource property value or an Output value, or inside an unconfirmed function. */
export function unconfirmedStackOutputPositions(input: AssemblyInput): DeployTrap[] {
  return stackTemplates(input).flatMap((stack) =>
    stackOutputReferences(stack).flatMap(({ path }) => {
      const where = unconfirmedPosition(path);
      if (!where) return [];
      const logicalId = path[0] === 'Resources' ? path[1] : undefined;
      return [
        {
          stack: stack.id,
          logicalId,
          path: templatePath(stack, path),
          problem:
            `Fn::GetStackOutput ${where.position}, where CloudFormation has not confirmed it (confirmed: a resource property or Output ` +
            `value, nested only in ${[...CONFIRMED_ENCLOSING_FUNCTIONS].join(', ')}).`,
          fix: where.fix,
        },
      ];
    }),
  );
}

function unconfirmedPosition(path: readonly string[]): { readonly position: string; readonly fix: string } | undefined {
  const [section, id, attribute, ...inside] = path;
  const isValue = (section === 'Resources' && attribute === 'Properties') || (section === 'Outputs' && attribute === 'Value');
  if (!isValue) {
    const position =
      section === 'Outputs' && attribute === 'Export'
        ? `in the Export of output ${id}`
        : section === 'Resources'
          ? `in ${attribute ?? 'the definition'} of resource ${id}, outside Properties`
          : `in the ${section} section`;
    return { position, fix: 'use a literal there, or move the value into a resource property; for an export, name it with a literal.' };
  }
  const unconfirmed = inside.find((segment) => segment.startsWith('Fn::') && !CONFIRMED_ENCLOSING_FUNCTIONS.has(segment));
  if (!unconfirmed) return undefined;
  return {
    position: `inside ${unconfirmed}`,
    fix:
      `compute the ${unconfirmed} result in the producer stack and publish it as its own output, so the consumer reads it whole ` +
      '(CDK splits an ARN it only has as a reference, e.g. an ECR repository URI derived from the repository ARN: pass the URI itself).',
  };
}

/**
 * 2. The stack graph from the manifest's dependencies plus every `Fn::GetStackOutput`: cycles, references to stacks
 * the consumer is not deployed after, and references to outputs the producer does not have.
 */
export function crossStackCycles(input: AssemblyInput): DeployTrap[] {
  const stacks = stackTemplates(input);
  const deployedAfter = transitiveDependencies(stacks);
  const traps: DeployTrap[] = [];
  // consumer → producer → why the edge exists, for the cycle message.
  const edges = new Map(stacks.map((s) => [s.id, new Map(s.dependencies.map((d) => [d, 'manifest dependency']))]));

  for (const stack of stacks) {
    for (const reference of stackOutputReferences(stack)) {
      const logicalId = reference.path[0] === 'Resources' ? reference.path[1] : undefined;
      const at = { stack: stack.id, logicalId, path: templatePath(stack, reference.path) };
      const producer = producerOf(stacks, reference);
      if (!producer) {
        const region = typeof reference.region === 'string' ? ` in ${reference.region}` : '';
        traps.push({
          ...at,
          problem: `Fn::GetStackOutput names stack ${JSON.stringify(reference.stackName)}${region}, which is not in this assembly, so nothing orders the deployment after it.`,
          fix: 'reference a stack of this app (pass the construct, not its name), or a literal value.',
        });
        continue;
      }
      if (producer.id === stack.id) {
        traps.push({
          ...at,
          problem: `Fn::GetStackOutput reads output ${String(reference.outputName)} of its own stack, which does not exist until the stack is deployed.`,
          fix: 'use Ref or Fn::GetAtt inside one stack.',
        });
      } else {
        const consumerEdges = edges.get(stack.id)!;
        if (!consumerEdges.has(producer.id)) consumerEdges.set(producer.id, `Fn::GetStackOutput at ${at.path}`);
        if (!deployedAfter.get(stack.id)!.has(producer.id)) {
          traps.push({
            ...at,
            problem: `Fn::GetStackOutput reads ${producer.id} (${producer.stackName}), but the manifest does not deploy ${stack.id} after it, so the output may not exist yet.`,
            fix: `declare the dependency: ${stack.id}.addDependency(${producer.id}).`,
          });
        }
      }
      if (typeof reference.outputName !== 'string' || !(reference.outputName in (producer.template.Outputs ?? {}))) {
        traps.push({
          ...at,
          problem: `Fn::GetStackOutput reads output ${JSON.stringify(reference.outputName)}, which ${producer.id} (${producer.stackName}) does not declare.`,
          fix: `add the output to ${producer.id}, or reference one it declares.`,
        });
      }
    }
  }

  for (const cycle of stackCycles(edges)) {
    const steps = cycle.map((id, i) => {
      const next = cycle[(i + 1) % cycle.length];
      return `${id} → ${next} (${edges.get(id)!.get(next)})`;
    });
    traps.push({
      stack: cycle[0],
      path: cycle[0],
      problem: `stacks ${[...cycle, cycle[0]].join(' → ')} wait for each other: ${steps.join('; ')}.`,
      fix: 'move what both need into a stack they both depend on, or pass the value in one direction only.',
    });
  }
  return traps;
}

/** One cycle through every strongly connected group of stacks (Tarjan), as a list of stack ids. */
function stackCycles(edges: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (id: string) => {
    index.set(id, index.size);
    lowLink.set(id, index.get(id)!);
    stack.push(id);
    onStack.add(id);
    for (const next of edges.get(id)?.keys() ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        lowLink.set(id, Math.min(lowLink.get(id)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(id, Math.min(lowLink.get(id)!, index.get(next)!));
      }
    }
    if (lowLink.get(id) !== index.get(id)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== id);
    if (component.length > 1) cycles.push(shortestCycle(edges, id, new Set(component)));
  };
  for (const id of edges.keys()) if (!index.has(id)) visit(id);
  return cycles;
}

/** The shortest path from a stack back to itself inside its strongly connected group. */
function shortestCycle(edges: ReadonlyMap<string, ReadonlyMap<string, string>>, start: string, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const next of edges.get(id)?.keys() ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [id];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return path;
      }
      if (!previous.has(next)) {
        previous.set(next, id);
        queue.push(next);
      }
    }
  }
  return [...members];
}

/** Whether one resource is created only after another completes. */
export class DeployOrder {
  private readonly stacksBefore: Map<string, Set<string>>;
  private readonly resourcesBefore = new Map<string, Set<string>>();

  constructor(stacks: readonly StackTemplate[]) {
    this.stacksBefore = transitiveDependencies(stacks);
  }

  isAfter(later: ResourceRef, earlier: ResourceRef): boolean {
    if (later.stack.id !== earlier.stack.id) return this.stacksBefore.get(later.stack.id)?.has(earlier.stack.id) ?? false;
    return this.before(later.stack, later.logicalId).has(earlier.logicalId);
  }

  /** Resources CloudFormation completes before creating this one: DependsOn, Ref, Fn::GetAtt and Fn::Sub, transitively. */
  private before(stack: StackTemplate, logicalId: string): Set<string> {
    const key = `${stack.id}/${logicalId}`;
    const known = this.resourcesBefore.get(key);
    if (known) return known;
    const seen = new Set<string>();
    const pending = [...directDependencies(stack, logicalId)];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...directDependencies(stack, next));
    }
    this.resourcesBefore.set(key, seen);
    return seen;
  }
}

function directDependencies(stack: StackTemplate, logicalId: string): string[] {
  const resources = stack.template.Resources ?? {};
  const resource = resources[logicalId];
  if (!resource) return [];
  const { DependsOn: dependsOn, ...rest } = resource;
  const found = new Set<string>(dependsOn === undefined ? [] : typeof dependsOn === 'string' ? [dependsOn] : dependsOn);
  for (const { node } of walkJson(rest)) {
    const ref = intrinsic(node, 'Ref');
    if (typeof ref === 'string') found.add(ref);
    const getAtt = intrinsic(node, 'Fn::GetAtt');
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.add(getAtt[0]);
    if (typeof getAtt === 'string') found.add(getAtt.split('.')[0]);
    const sub = intrinsic(node, 'Fn::Sub');
    const text = Array.isArray(sub) ? sub[0] : sub;
    if (typeof text === 'string') for (const match of text.matchAll(/\$\{([^}!.]+)(?:[!.][^}]*)?\}/g)) found.add(match[1]);
  }
  return [...found].filter((id) => id in resources && id !== logicalId);
}

/** What a manifest or chart needs completed first, and why. */
interface Requirement {
  readonly on: ResourceRef;
  readonly why: string;
  /** A chart whose CRDs or webhooks are relied on, which must therefore wait until they serve. */
  readonly reliesOnChart?: HelmRelease;
  /** A way out other than ordering (the webhook's `disarm`). */
  readonly alternative?: string;
}

interface DescribedRelease {
  readonly release: HelmRelease;
  readonly apis: ChartApis;
}

/**
 * 3. Every Kubernetes object (manifest custom resources, including the cdk8s charts the Workloads stack applies) is
 * applied after each chart that installs its CRDs or registers a fail-closed webhook admitting it, and after whatever
 * creates its namespace; charts are installed after the charts whose webhooks admit their Services and pods. Charts
 * relied on must install with `Wait: true`, and every chart must be one `CHART_APIS` describes, at that version.
 */
export function kubernetesObjectsBeforeTheirCrds(input: AssemblyInput): DeployTrap[] {
  const stacks = stackTemplates(input);
  const releases = helmReleases(stacks);
  const manifests = manifestResources(stacks);
  const { described, traps } = describeReleases(releases);
  const namespaces = namespaceCreators(manifests, releases);
  const ledger = new OrderingLedger(new DeployOrder(stacks));
  for (const manifest of manifests) traps.push(...requireForObjects(manifest, described, namespaces, ledger));
  for (const chart of described) requireForChart(chart, described, namespaces, ledger);
  return [...traps, ...ledger.unorderedTraps(), ...ledger.unwaitedChartTraps()];
}

/**
 * Every namespace a manifest's Namespace object creates that something else creates too (another manifest, or a Helm
 * release with CreateNamespace): aws-eks-v2's kubectl handler creates a manifest's objects with `kubectl create` (its
 * apply handler, unless Overwrite), which fails with AlreadyExists on a namespace made first, and deleting the
 * manifest deletes the namespace under the other's objects. Releases alone may share one: Helm's --create-namespace
 * accepts an existing namespace, and uninstalling never deletes it.
 */
export function namespacesCreatedTwice(input: AssemblyInput): DeployTrap[] {
  const stacks = stackTemplates(input);
  return [...namespaceCreators(manifestResources(stacks), helmReleases(stacks)).values()].flatMap((namespaces) =>
    [...namespaces].flatMap(([name, { creators }]) => {
      if (creators.length < 2 || creators.every((creator) => creator.index === undefined)) return [];
      const second = creators[1];
      return [
        {
          stack: second.stack.id,
          logicalId: second.logicalId,
          path: templatePath(second.stack, ['Resources', second.logicalId]),
          problem: `namespace ${name} is created by ${creators.map((c) => `${c.stack.id}/${c.logicalId}`).join(' and ')}: the second create fails with AlreadyExists.`,
          fix: 'create it once, with its labels, before anything is installed into it (a chart then takes createNamespace: false and depends on it).',
        },
      ];
    }),
  );
}

/** The releases CHART_APIS describes; the others, and versions or values it cannot vouch for, are traps. */
function describeReleases(releases: readonly HelmRelease[]): { described: DescribedRelease[]; traps: DeployTrap[] } {
  const described: DescribedRelease[] = [];
  const traps: DeployTrap[] = [];
  for (const release of releases) {
    const apis = chartApisOf(release.repository, release.chart);
    const at = {
      stack: release.stack.id,
      logicalId: release.logicalId,
      path: templatePath(release.stack, ['Resources', release.logicalId]),
    };
    if (!apis) {
      traps.push({
        ...at,
        problem: `chart ${String(release.chart)} from ${String(release.repository)} is not described in CHART_APIS, so nothing says which APIs and webhooks it installs.`,
        fix: "add it to lib/evidence/chart-apis.ts from the pinned chart's templates (CRD groups, fail-closed webhooks, Services and pods).",
      });
      continue;
    }
    if (release.version !== apis.source.version) {
      traps.push({
        ...at,
        path: `${at.path}/Properties/Version`,
        problem: `chart ${apis.source.chart} is pinned at ${String(release.version)}, but CHART_APIS was read at ${apis.source.version}; its CRDs and webhooks may differ.`,
        fix: `re-read the chart at ${String(release.version)} and update its CHART_APIS entry and verified version.`,
      });
    }
    if (release.values === undefined) {
      traps.push({
        ...at,
        path: `${at.path}/Properties/Values`,
        problem: `chart ${apis.source.chart}'s values do not parse as JSON, so which CRDs and webhooks it enables is unknown.`,
        fix: 'keep deploy-time values inside JSON strings of the chart values.',
      });
    }
    described.push({ release, apis });
  }
  return { described, traps };
}

/** Records what each manifest and chart needs first; reports the needs nothing orders, and charts relied on without Wait. */
class OrderingLedger {
  private readonly unordered = new Map<
    string,
    {
      readonly resource: ResourceRef;
      readonly on: ResourceRef;
      readonly whys: Set<string>;
      readonly alternatives: Set<string>;
      readonly subjects: Set<string>;
    }
  >();
  private readonly reliedOn = new Map<HelmRelease, Set<string>>();

  constructor(private readonly order: DeployOrder) {}

  /** `subject` (an object of `resource`, or the chart `resource` is) needs `requirement` first. */
  require(resource: ResourceRef, requirement: Requirement, subject: string): void {
    const chart = requirement.reliesOnChart;
    if (chart) this.reliedOn.set(chart, (this.reliedOn.get(chart) ?? new Set()).add(subject));
    if (this.order.isAfter(resource, requirement.on)) return;
    const key = `${resource.stack.id}/${resource.logicalId} ${requirement.on.stack.id}/${requirement.on.logicalId}`;
    const entry = this.unordered.get(key) ?? {
      resource,
      on: requirement.on,
      whys: new Set(),
      alternatives: new Set(),
      subjects: new Set(),
    };
    entry.whys.add(requirement.why);
    if (requirement.alternative) entry.alternatives.add(requirement.alternative);
    entry.subjects.add(subject);
    this.unordered.set(key, entry);
  }

  /** One trap per resource and missing predecessor, listing every object that needs it. */
  unorderedTraps(): DeployTrap[] {
    return [...this.unordered.values()].map(({ resource, on, whys, alternatives, subjects }) => {
      const sameStack = resource.stack.id === on.stack.id;
      const orDisarm = [...alternatives].map((alternative) => `; or ${alternative}`).join('');
      return {
        stack: resource.stack.id,
        logicalId: resource.logicalId,
        path: templatePath(resource.stack, ['Resources', resource.logicalId]),
        problem:
          `${[...subjects].join(', ')} must come after ${on.stack.id}/${on.logicalId} (${[...whys].join('; ')}), ` +
          `but nothing orders ${resource.logicalId} after it${sameStack ? '' : `: stack ${resource.stack.id} does not depend on ${on.stack.id}`}.`,
        fix: sameStack
          ? `add a dependency on it (construct.node.addDependency, or the dependsOn of ClusterManifest/HelmComponent)${orDisarm}.`
          : `make ${resource.stack.id} depend on ${on.stack.id} (a construct dependency on the chart, or addDependency)${orDisarm}.`,
      };
    });
  }

  /** Without Wait, "installed" only means the objects were created: CRDs may not be established, webhooks not serving. */
  unwaitedChartTraps(): DeployTrap[] {
    return [...this.reliedOn]
      .filter(([release]) => !release.wait)
      .map(([release, subjects]) => ({
        stack: release.stack.id,
        logicalId: release.logicalId,
        path: templatePath(release.stack, ['Resources', release.logicalId, 'Properties', 'Wait']),
        problem: `${[...subjects].join(', ')} rely on chart ${String(release.chart)}, which installs without Wait: its CRDs and webhooks may not serve yet when they are applied.`,
        fix: 'install it with wait: true (HelmComponent does).',
      }));
  }
}

type Namespaces = ReturnType<typeof namespaceCreators>;

/** Each object of a manifest needs the charts installing its API, the webhooks admitting it, and its namespace. */
function requireForObjects(
  manifest: ManifestResource,
  described: readonly DescribedRelease[],
  namespaces: Namespaces,
  ledger: OrderingLedger,
): DeployTrap[] {
  const at = {
    stack: manifest.stack.id,
    logicalId: manifest.logicalId,
    path: templatePath(manifest.stack, ['Resources', manifest.logicalId, 'Properties', 'Manifest']),
  };
  if (manifest.unreadable) {
    return [
      {
        ...at,
        problem: `the manifest cannot be checked: ${manifest.unreadable}.`,
        fix: 'keep deploy-time values inside JSON strings of the manifest.',
      },
    ];
  }
  const traps: DeployTrap[] = [];
  const inCluster = described.filter(({ release }) => release.cluster === manifest.cluster);
  const namespacesOfCluster = namespaces.get(manifest.cluster);
  for (const object of manifest.objects) {
    const subject = describeObject(object);
    const namespace = object.namespace === undefined ? undefined : namespacesOfCluster?.get(object.namespace);
    const installers = inCluster.filter(({ release, apis }) => apis.crdGroups(release.values ?? {}).includes(object.group));
    if (!BUILT_IN_GROUPS.has(object.group) && installers.length === 0) {
      traps.push({
        ...at,
        path: `${at.path} [${object.index}]`,
        problem: `${subject}: nothing in this assembly installs API group ${object.group} in the cluster, so kubectl cannot apply it.`,
        fix: 'install the chart that provides the CRD (and describe it in CHART_APIS) before this manifest.',
      });
    }
    const requirements: Requirement[] = installers.map(({ release, apis }) => ({
      on: release,
      why: `${apis.source.chart} installs the ${object.group} CRDs`,
      reliesOnChart: release,
    }));
    for (const { release, apis } of inCluster) {
      for (const webhook of admittingWebhooks(apis, release, admittedAs(object), namespaceLabels(object.namespace, namespace))) {
        requirements.push({
          on: release,
          why: `${apis.source.chart}'s webhook ${webhook.name} admits it`,
          reliesOnChart: release,
          alternative: webhook.disarm,
        });
      }
    }
    for (const creator of namespace?.creators ?? []) {
      if (creator.stack.id !== manifest.stack.id || creator.logicalId !== manifest.logicalId) {
        requirements.push({ on: creator, why: `it creates namespace ${object.namespace}` });
      } else if (creator.index !== undefined && creator.index > object.index) {
        // kubectl applies a manifest's objects in order.
        traps.push({
          ...at,
          path: `${at.path} [${object.index}]`,
          problem: `${subject} comes before its Namespace (item ${creator.index}) in the same manifest.`,
          fix: 'put the Namespace first.',
        });
      }
    }
    for (const requirement of requirements) ledger.require(manifest, requirement, subject);
  }
  return traps;
}

/** A chart needs the charts whose webhooks admit its Services and pods, and its namespace unless it creates it. */
function requireForChart(
  { release, apis }: DescribedRelease,
  described: readonly DescribedRelease[],
  namespaces: Namespaces,
  ledger: OrderingLedger,
): void {
  const subject = `chart ${apis.source.chart} (release in ${release.namespace})`;
  const namespace = namespaces.get(release.cluster)?.get(release.namespace);
  for (const other of described) {
    if (other.release === release || other.release.cluster !== release.cluster) continue;
    for (const created of apis.creates) {
      for (const webhook of admittingWebhooks(other.apis, other.release, [created], namespaceLabels(release.namespace, namespace))) {
        ledger.require(
          release,
          {
            on: other.release,
            why: `${other.apis.source.chart}'s webhook ${webhook.name} admits the ${created.kind}s it creates`,
            reliesOnChart: other.release,
            alternative: webhook.disarm,
          },
          subject,
        );
      }
    }
  }
  if (!release.createNamespace) {
    for (const creator of namespace?.creators ?? [])
      ledger.require(release, { on: creator, why: `it creates namespace ${release.namespace}` }, subject);
  }
}

/** How webhooks see an object: itself, and the pods a workload creates. */
function admittedAs(object: KubernetesObject): CreatedObject[] {
  return [
    { group: object.group, kind: object.kind, labels: object.labels },
    ...(object.podLabels && object.kind !== 'Pod' ? [{ group: '', kind: 'Pod', labels: object.podLabels }] : []),
  ];
}

function admittingWebhooks(
  apis: ChartApis,
  release: HelmRelease,
  objects: readonly CreatedObject[],
  namespaceLabels: Readonly<Record<string, string>>,
): AdmissionWebhook[] {
  const values = release.values ?? {};
  return apis.webhooks.filter((webhook) => {
    const optIn = typeof webhook.optIn === 'function' ? webhook.optIn(values) : webhook.optIn;
    return (
      (webhook.enabled?.(values) ?? true) &&
      objects.some(
        (object) =>
          webhook.groups.includes(object.group) &&
          (webhook.kinds === undefined || webhook.kinds.includes(object.kind)) &&
          (optIn === undefined ||
            optIn.some((label) => (label.on === 'namespace' ? namespaceLabels : (object.labels ?? {}))[label.key] === label.value)),
      )
    );
  });
}

/** A namespace's labels as webhooks see them: the API server labels every namespace with its own name. */
function namespaceLabels(name: string | undefined, namespace: { readonly labels: Record<string, string> } | undefined) {
  return { ...(name === undefined ? {} : { [NAMESPACE_NAME_LABEL]: name }), ...namespace?.labels };
}

interface NamespaceCreator extends ResourceRef {
  /** Position of the Namespace object in a manifest. @default - a chart creates it */
  readonly index?: number;
}

/** Per cluster, each namespace the assembly creates: by whom, and the labels its Namespace objects give it. */
function namespaceCreators(manifests: readonly ManifestResource[], releases: readonly HelmRelease[]) {
  const byCluster = new Map<string, Map<string, { readonly creators: NamespaceCreator[]; readonly labels: Record<string, string> }>>();
  const entry = (cluster: string, name: string) => {
    const namespaces = byCluster.get(cluster) ?? new Map();
    byCluster.set(cluster, namespaces);
    const found = namespaces.get(name) ?? { creators: [], labels: {} };
    namespaces.set(name, found);
    return found;
  };
  for (const manifest of manifests) {
    for (const object of manifest.objects) {
      if (object.group !== '' || object.kind !== 'Namespace') continue;
      const namespace = entry(manifest.cluster, object.name);
      namespace.creators.push({ stack: manifest.stack, logicalId: manifest.logicalId, index: object.index });
      Object.assign(namespace.labels, object.labels);
    }
  }
  for (const release of releases) {
    if (release.createNamespace) entry(release.cluster, release.namespace).creators.push(release);
  }
  return byCluster;
}

function describeObject(object: KubernetesObject): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name} (${object.apiVersion}, item ${object.index})`;
}
