import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { SchemaCheckOptions, validateManifests } from './manifest-schemas';
import { createPlatformCharts, PlatformChartsProps } from './platform-charts';

/** Suffix of the files `writeManifests` owns in its folder (and replaces on every run). */
export const MANIFEST_SUFFIX = '.k8s.yaml';

/**
 * Synthesizes every chart to plain YAML for GitOps users, one file per chart, numbered in apply order
 * (`00-platform-baseline.k8s.yaml`, `01-service-<name>.k8s.yaml`, …). Input and schemas are validated first:
 * on any problem it throws and writes nothing. Files of a previous run are replaced, so a removed service's
 * manifests disappear too.
 * @returns the paths written
 */
export function writeManifests(outdir: string, props: PlatformChartsProps, schemaCheck: SchemaCheckOptions = {}): string[] {
  const charts = createPlatformCharts(new App({ outdir }), props);
  const files = charts.all.map((chart, index) => ({
    file: path.join(outdir, `${String(index).padStart(2, '0')}-${chart.node.id}${MANIFEST_SUFFIX}`),
    manifests: chart.toJson(),
  }));
  validateManifests(
    files.flatMap((f) => f.manifests),
    schemaCheck,
  );

  fs.mkdirSync(outdir, { recursive: true });
  for (const stale of fs.readdirSync(outdir).filter((name) => name.endsWith(MANIFEST_SUFFIX))) fs.rmSync(path.join(outdir, stale));
  for (const { file, manifests } of files) fs.writeFileSync(file, Yaml.stringify(...manifests));
  return files.map((f) => f.file);
}
