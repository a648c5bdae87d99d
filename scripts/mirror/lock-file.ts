import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HelmChartSource } from '../../lib/constructs/helm-component';
import { projectRoot } from '../../lib/private/project-root';
import { MirrorError } from './mirror-error';

/** The committed record of every mirrored chart's archive digest (trust on first use, then pinned). */
export const CHART_DIGESTS_FILE = path.join(projectRoot(), 'lib', 'compliance', 'chart-digests.json');

/** One chart version and the sha256 of its archive (the `.tgz` Helm pulls), as `sha256:<hex>`. */
export interface LockedChart extends HelmChartSource {
  readonly digest: string;
}

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** Same repository, chart and version: a chart moved to another repository is a new entry, never the old digest. */
function sameChart(a: HelmChartSource, b: HelmChartSource): boolean {
  return a.repository === b.repository && a.chart === b.chart && a.version === b.version;
}

/** The lock file: `{ "charts": [{ repository, chart, version, digest }] }`, sorted, one entry per chart version. */
export class ChartLock {
  static read(file: string): ChartLock {
    const where = path.relative(process.cwd(), file) || file;
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new MirrorError(`${where}: ${(error as Error).message}`);
    }
    const charts = (parsed as { charts?: unknown }).charts;
    if (!Array.isArray(charts)) throw new MirrorError(`${where}: expected { "charts": [...] }`);
    for (const entry of charts as LockedChart[]) {
      const valid = ['repository', 'chart', 'version'].every((key) => typeof entry?.[key as keyof LockedChart] === 'string');
      if (!valid || !DIGEST_PATTERN.test(String(entry.digest))) {
        throw new MirrorError(`${where}: entry ${JSON.stringify(entry)} needs repository, chart, version and a sha256:<64 hex> digest`);
      }
    }
    return new ChartLock(file, charts as LockedChart[]);
  }

  private constructor(
    readonly file: string,
    private charts: readonly LockedChart[],
  ) {}

  digestOf(source: HelmChartSource): string | undefined {
    return this.charts.find((entry) => sameChart(entry, source))?.digest;
  }

  /** Adds entries (never replaces one: a recorded digest only changes by editing the file, in review). */
  record(entries: readonly LockedChart[]): void {
    const added = entries.filter((entry) => this.digestOf(entry) === undefined);
    this.charts = [...this.charts, ...added.map(({ repository, chart, version, digest }) => ({ repository, chart, version, digest }))].sort(
      (a, b) => a.chart.localeCompare(b.chart) || a.version.localeCompare(b.version) || a.repository.localeCompare(b.repository),
    );
    fs.writeFileSync(this.file, `${JSON.stringify({ charts: this.charts }, null, 2)}\n`);
  }
}
