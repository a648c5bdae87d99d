import * as cxapi from 'aws-cdk-lib/cx-api';
import { Testing } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Manifest } from '../../lib/evidence/access-layers';
import { platformManifests } from '../../lib/report/build-report';
import { buildPlatform, SUPPORTED_CONFIGURATIONS } from './platform-fixture';
import { SYNTH_CACHE_VARIABLE } from './synth-cache';

/** What `Testing.synth` renders for each workload chart of a configuration (the charts the Workloads stack applies). */
export interface WorkloadManifests {
  readonly baseline: unknown[];
  readonly services: Readonly<Record<string, unknown[]>>;
  readonly edge?: unknown[];
}

/** A supported configuration as `buildPlatform(context).app.synth()` wrote it, and its Kubernetes objects rendered. */
export interface SynthesizedConfiguration {
  readonly assembly: cxapi.CloudAssembly;
  readonly workloads: WorkloadManifests;
  /** Every object of the platform's charts as the report renders them (`platformManifests`), for the controls. */
  readonly platformManifests: Manifest[];
}

const CHARTS_FILE = 'workload-manifests.json';

/** Builds and synthesizes one configuration into `directory`: the assembly, plus the rendered workload charts. */
function synthesizeInto(name: string, directory: string): void {
  const { app, platform } = buildPlatform(SUPPORTED_CONFIGURATIONS[name]);
  const assembly = app.synth();
  fs.cpSync(assembly.directory, directory, { recursive: true });
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  const charts = platform.workloads!.charts;
  const workloads: WorkloadManifests = {
    baseline: Testing.synth(charts.baseline),
    services: Object.fromEntries(Object.entries(charts.services).map(([service, chart]) => [service, Testing.synth(chart)])),
    ...(charts.edge ? { edge: Testing.synth(charts.edge) } : {}),
  };
  fs.writeFileSync(path.join(directory, CHARTS_FILE), JSON.stringify({ workloads, platformManifests: platformManifests(platform) }));
}

const loaded = new Map<string, SynthesizedConfiguration>();

/**
 * One of SUPPORTED_CONFIGURATIONS, synthesized once per jest run and shared by every suite that only reads templates
 * or manifests: the first suite to ask synthesizes it (exactly as `buildPlatform(context).app.synth()`) into the run's
 * directory, later suites read it back. Suites that need the construct tree build their own platform instead.
 * Outside a jest run with test/global-setup.ts, every call synthesizes afresh.
 */
export function synthesizedConfiguration(name: string): SynthesizedConfiguration {
  if (!(name in SUPPORTED_CONFIGURATIONS))
    throw new Error(`no supported configuration named ${name}: use one of ${Object.keys(SUPPORTED_CONFIGURATIONS).join(', ')}`);
  const cached = loaded.get(name);
  if (cached) return cached;
  const cacheDir = process.env[SYNTH_CACHE_VARIABLE];
  let directory: string;
  if (cacheDir) {
    directory = path.join(cacheDir, name.replace(/[^a-z0-9]+/gi, '-'));
    if (!fs.existsSync(directory)) {
      // Two workers may synthesize the same configuration at once: each writes its own copy, the first rename wins.
      const partial = fs.mkdtempSync(`${directory}.partial-`);
      synthesizeInto(name, partial);
      try {
        fs.renameSync(partial, directory);
      } catch {
        fs.rmSync(partial, { recursive: true, force: true });
      }
    }
  } else {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-'));
    synthesizeInto(name, directory);
  }
  const result: SynthesizedConfiguration = {
    assembly: new cxapi.CloudAssembly(directory),
    ...JSON.parse(fs.readFileSync(path.join(directory, CHARTS_FILE), 'utf8')),
  };
  loaded.set(name, result);
  return result;
}
