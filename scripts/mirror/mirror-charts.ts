import type { ECRClient } from '@aws-sdk/client-ecr';
import { chartMirrorRepository } from '../../lib/constructs/chart-mirror';
import type { HelmChartSource } from '../../lib/constructs/helm-component';
import { chartMetadata } from './chart-archive';
import { ChartSources } from './chart-source';
import { ecrRegistry, ensureRepository } from './ecr-target';
import { ChartLock } from './lock-file';
import { chartLayer, Fetch, MEDIA_TYPES, OciManifest, OciRegistry, sha256Digest } from './oci-registry';

/** What the mirror does with one chart: nothing (present with the recorded digest), copy it, or refuse. */
export type MirrorAction = 'skip' | 'copy' | 'refuse';

export interface PlannedChart {
  readonly source: HelmChartSource;
  /** `<registry host>/platform-charts/<chart>:<version>` */
  readonly target: string;
  readonly action: MirrorAction;
  /** The archive digest the mirror holds or will hold. */
  readonly digest: string;
  /** Whether the digest is written to the lock file (`--record`, first use). */
  readonly record: boolean;
  readonly reason: string;
}

export interface MirrorOptions {
  readonly charts: readonly HelmChartSource[];
  /** The account's registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
  readonly host: string;
  readonly lock: ChartLock;
  /** How the lock file is named in messages. */
  readonly lockName: string;
  readonly ecr: ECRClient;
  readonly fetch: Fetch;
  /** Push what the plan copies; otherwise only print the plan. */
  readonly apply: boolean;
  /** Trust the source's digest of a chart version the lock file does not know, and record it. */
  readonly record: boolean;
  /** Receives one JSON line per chart. */
  readonly out: (line: string) => void;
  /** Receives refusals and the summary. */
  readonly err: (line: string) => void;
}

interface Plan extends PlannedChart {
  readonly download: () => Promise<Buffer>;
}

/**
 * Plans every chart (read-only: the sources' declared digests and the mirror's tags), prints the plan, and with
 * `apply` downloads and verifies every archive before pushing any, so a refusal or a mismatch pushes nothing.
 * @returns the exit code: 0 done (or planned), 1 refused
 */
export async function mirrorCharts(options: MirrorOptions): Promise<number> {
  const { out, err } = options;
  const registry = await ecrRegistry(options.ecr, options.host, options.fetch);
  const sources = new ChartSources(options.fetch);
  const plans: Plan[] = [];
  for (const source of options.charts) plans.push(await planChart(source, sources, registry, options));
  for (const { source, target, action, digest, record, reason } of plans) {
    const { repository, chart, version } = source;
    out(JSON.stringify({ source: { repository, chart, version }, target, action, digest, record, reason }));
  }

  const refused = plans.filter((plan) => plan.action === 'refuse');
  refused.forEach((plan) => err(`mirror: ${plan.source.chart} ${plan.source.version}: ${plan.reason}`));
  const copies = plans.filter((plan) => plan.action === 'copy');
  const summary = `${copies.length} to copy, ${plans.length - copies.length - refused.length} already mirrored, ${refused.length} refused`;
  if (refused.length > 0) {
    err(`mirror: ${summary}: nothing changed`);
    return 1;
  }
  if (!options.apply) {
    err(`mirror: dry run: ${summary}; nothing changed (rerun with --apply to copy)`);
    return 0;
  }

  const archives = new Map<Plan, Buffer>();
  for (const plan of copies) {
    const archive = await plan.download();
    const problem = archiveProblem(plan, archive);
    if (problem) {
      err(`mirror: ${plan.source.chart} ${plan.source.version}: ${problem}: nothing pushed`);
      return 1;
    }
    archives.set(plan, archive);
  }
  const recorded = plans.filter((plan) => plan.record);
  if (recorded.length > 0) options.lock.record(recorded.map((plan) => ({ ...plan.source, digest: plan.digest })));
  for (const [plan, archive] of archives) await push(plan.source, archive, registry, options.ecr);
  err(
    `mirror: copied ${copies.length}, ${plans.length - copies.length} already mirrored, ${recorded.length} recorded in ${options.lockName}`,
  );
  return 0;
}

async function planChart(source: HelmChartSource, sources: ChartSources, registry: OciRegistry, options: MirrorOptions): Promise<Plan> {
  const repository = chartMirrorRepository(source.chart);
  const target = `${options.host}/${repository}:${source.version}`;
  const locked = options.lock.digestOf(source);
  const found = await sources.find(source);
  let download = found.download;
  let declared = found.declaredDigest;
  if (declared === undefined) {
    // The index gives no digest: the archive itself is what a first use trusts and later runs compare.
    const archive = await found.download();
    declared = sha256Digest(archive);
    download = () => Promise.resolve(archive);
  }
  const plan = (action: MirrorAction, reason: string): Plan => ({
    source,
    target,
    action,
    digest: locked ?? declared,
    record: action !== 'refuse' && locked === undefined,
    reason,
    download,
  });
  if (locked !== undefined && declared !== locked) {
    return plan('refuse', `digest mismatch: expected ${locked} (${options.lockName}), got ${declared} from ${source.repository}`);
  }
  const unrecorded =
    `no recorded digest in ${options.lockName}; the source declares ${declared}: ` +
    'check it, then rerun with --record to trust it on first use';
  const present = await registry.manifest(repository, source.version);
  if (present) {
    const held = chartLayer(present)?.digest;
    if (held !== declared) {
      return plan('refuse', `digest mismatch: expected ${declared}, got ${held ?? 'no Helm chart'} in ${target} (immutable tag)`);
    }
    return locked === undefined && !options.record ? plan('refuse', unrecorded) : plan('skip', 'already mirrored with this digest');
  }
  return locked === undefined && !options.record ? plan('refuse', unrecorded) : plan('copy', 'not in the mirror yet');
}

/** Why a downloaded archive must not be pushed: another digest than planned, or another chart than named. */
function archiveProblem(plan: Plan, archive: Buffer): string | undefined {
  const got = sha256Digest(archive);
  if (got !== plan.digest) return `digest mismatch: expected ${plan.digest}, got ${got} (downloaded from ${plan.source.repository})`;
  const metadata = chartMetadata(archive);
  if (metadata.name !== plan.source.chart || String(metadata.version) !== plan.source.version) {
    return `the archive holds ${String(metadata.name)} ${String(metadata.version)}, not ${plan.source.chart} ${plan.source.version}`;
  }
  return undefined;
}

/** Pushes a chart as `helm push` does: config (Chart.yaml as JSON), chart layer, then the manifest tagged with the version. */
async function push(source: HelmChartSource, archive: Buffer, registry: OciRegistry, ecr: ECRClient): Promise<void> {
  const repository = chartMirrorRepository(source.chart);
  await ensureRepository(ecr, repository);
  const config = await registry.pushBlob(repository, MEDIA_TYPES.helmConfig, Buffer.from(JSON.stringify(chartMetadata(archive))));
  const layer = await registry.pushBlob(repository, MEDIA_TYPES.helmChart, archive);
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config,
    layers: [layer],
    annotations: { 'org.opencontainers.image.title': source.chart, 'org.opencontainers.image.version': source.version },
  };
  await registry.putManifest(repository, source.version, manifest);
}
