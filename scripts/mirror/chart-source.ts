import { parse } from 'yaml';
import type { HelmChartSource } from '../../lib/constructs/helm-component';
import { MirrorError } from './mirror-error';
import { chartLayer, Fetch, OciRegistry } from './oci-registry';

/** A chart version found at its source: the digest the source declares for its archive, and how to download it. */
export interface SourceChart {
  /** `sha256:<hex>` from the repository's index.yaml or the OCI manifest; undefined when the index gives none. */
  readonly declaredDigest: string | undefined;
  /** The archive's bytes, as served (verified against the lock file by the caller). */
  readonly download: () => Promise<Buffer>;
}

interface IndexEntry {
  readonly version?: unknown;
  readonly urls?: unknown;
  readonly digest?: unknown;
}

const OCI_SCHEME = 'oci://';

/** Finds chart versions in Helm https repositories (index.yaml, read once per repository) and OCI registries. */
export class ChartSources {
  private readonly indexes = new Map<string, Promise<Record<string, IndexEntry[]>>>();
  private readonly registries = new Map<string, OciRegistry>();

  constructor(private readonly fetch: Fetch) {}

  find(source: HelmChartSource): Promise<SourceChart> {
    return source.repository.startsWith(OCI_SCHEME) ? this.fromOci(source) : this.fromIndex(source);
  }

  private async fromIndex(source: HelmChartSource): Promise<SourceChart> {
    const base = source.repository.replace(/\/$/, '');
    const entries = (await this.index(base))[source.chart] ?? [];
    const entry = entries.find((candidate) => String(candidate.version) === source.version);
    const url = Array.isArray(entry?.urls) ? entry.urls[0] : undefined;
    if (!entry || typeof url !== 'string') throw new MirrorError(`${source.chart} ${source.version} is not in ${base}/index.yaml`);
    const archiveUrl = new URL(url, `${base}/`).toString();
    return {
      declaredDigest: typeof entry.digest === 'string' ? `sha256:${entry.digest}` : undefined,
      download: () => this.get(archiveUrl).then(async (response) => Buffer.from(await response.arrayBuffer())),
    };
  }

  private index(base: string): Promise<Record<string, IndexEntry[]>> {
    let index = this.indexes.get(base);
    if (!index) {
      index = this.get(`${base}/index.yaml`).then(async (response) => {
        const parsed = parse(await response.text()) as { entries?: Record<string, IndexEntry[]> } | null;
        return parsed?.entries ?? {};
      });
      this.indexes.set(base, index);
    }
    return index;
  }

  private async fromOci(source: HelmChartSource): Promise<SourceChart> {
    const [host, ...path] = source.repository.slice(OCI_SCHEME.length).split('/');
    const name = path.join('/');
    let registry = this.registries.get(host);
    if (!registry) {
      registry = new OciRegistry(host, this.fetch);
      this.registries.set(host, registry);
    }
    const manifest = await registry.manifest(name, source.version);
    const layer = manifest && chartLayer(manifest);
    if (!layer) throw new MirrorError(`${source.repository}:${source.version} is not a Helm chart in ${host}`);
    return { declaredDigest: layer.digest, download: () => registry.blob(name, layer.digest) };
  }

  private async get(url: string): Promise<Response> {
    const response = await this.fetch(url);
    if (response.status !== 200) throw new MirrorError(`GET ${url}: HTTP ${response.status}`);
    return response;
  }
}
