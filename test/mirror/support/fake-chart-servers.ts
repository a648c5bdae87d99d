import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { HelmChartSource } from '../../../lib/constructs/helm-component';
import type { Fetch } from '../../../scripts/mirror/oci-registry';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A ustar archive, gzipped, as `helm package` writes a chart; entries are regular files unless `types` says otherwise. */
export function tarGz(files: Record<string, string>, types: Record<string, string> = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write(types[name] ?? '0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));
}

/** A small chart archive whose Chart.yaml names the chart and version. */
export function chartArchive(chart: string, version: string): Buffer {
  return tarGz({
    [`${chart}/Chart.yaml`]: `apiVersion: v2\nname: ${chart}\nversion: ${version}\ndescription: fake ${chart}\n`,
    [`${chart}/values.yaml`]: 'replicas: 1\n',
  });
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  // Bounded: a stuck request fails the test instead of hanging it.
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function body(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Helm https repositories, served as `/<original host>/<path>`: an index.yaml per repository and the archives. One
 * repository lists absolute archive URLs (as eks-charts does), the others relative ones.
 */
export class FakeHelmRepositories {
  static async start(charts: readonly HelmChartSource[], absoluteUrlsFor: string): Promise<FakeHelmRepositories> {
    const repositories = new FakeHelmRepositories(charts, absoluteUrlsFor);
    const { server, url } = await listen((request, response) => repositories.handle(request, response));
    repositories.server = server;
    repositories.url = url;
    return repositories;
  }

  /** Archive bytes by URL path, replaceable to serve a tampered archive. */
  readonly files = new Map<string, Buffer>();
  /** Digests the indexes declare, by `<chart>@<version>`. */
  readonly declared = new Map<string, string>();
  url = '';
  private server?: http.Server;

  private constructor(
    private readonly charts: readonly HelmChartSource[],
    private readonly absoluteUrlsFor: string,
  ) {
    for (const chart of charts) {
      const archive = chartArchive(chart.chart, chart.version);
      this.files.set(this.archivePath(chart), archive);
      this.declared.set(`${chart.chart}@${chart.version}`, sha256(archive));
    }
  }

  /** Routes for the test network: each repository's origin to this server. */
  routes(): Record<string, string> {
    const origins = new Set(this.charts.map((chart) => new URL(chart.repository).origin));
    return Object.fromEntries([...origins].map((origin) => [origin, `${this.url}/${new URL(origin).host}`]));
  }

  stop(): Promise<void> {
    return this.server ? stop(this.server) : Promise.resolve();
  }

  /** `/<host>/<path>` of a repository on this server. */
  private repositoryPath(chart: HelmChartSource): string {
    const repository = new URL(chart.repository);
    return `/${repository.host}${repository.pathname.replace(/\/$/, '')}`;
  }

  private archivePath(chart: HelmChartSource): string {
    return `${this.repositoryPath(chart)}/${chart.chart}-${chart.version}.tgz`;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = request.url ?? '';
    const archive = this.files.get(path);
    if (archive) {
      response.writeHead(200, { 'content-type': 'application/gzip' }).end(archive);
      return;
    }
    const inRepository = this.charts.filter((chart) => path === `${this.repositoryPath(chart)}/index.yaml`);
    if (inRepository.length === 0) {
      response.writeHead(404).end();
      return;
    }
    const lines = ['apiVersion: v1', 'entries:'];
    for (const chart of inRepository) {
      const file = `${chart.chart}-${chart.version}.tgz`;
      const url = chart.repository === this.absoluteUrlsFor ? `${chart.repository}/${file}` : file;
      lines.push(`  ${chart.chart}:`, '  - name: ' + chart.chart, '    version: 0.0.1-older', `    urls: [old-${file}]`);
      lines.push(`  - name: ${chart.chart}`, `    version: ${chart.version}`, `    urls: ["${url}"]`);
      lines.push(`    digest: ${this.declared.get(`${chart.chart}@${chart.version}`)!.slice('sha256:'.length)}`);
    }
    response.writeHead(200, { 'content-type': 'text/yaml' }).end(`${lines.join('\n')}\n`);
  }
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType?: string;
}

/**
 * An OCI distribution registry in memory: anonymous pulls behind a Bearer challenge (as public.ecr.aws), or basic
 * auth for everything (as ECR). Tags are immutable, as in the mirror's repositories.
 */
export class FakeRegistry {
  static async start(auth: { readonly bearerRealm: string } | { readonly basic: string }): Promise<FakeRegistry> {
    const registry = new FakeRegistry(auth);
    const { server, url } = await listen((request, response) => {
      registry.handle(request, response).catch((error: Error) => response.writeHead(500).end(error.message));
    });
    registry.server = server;
    registry.url = url;
    return registry;
  }

  readonly manifests = new Map<string, { readonly body: Buffer; readonly contentType: string }>();
  readonly blobs = new Map<string, Buffer>();
  readonly requests: RecordedRequest[] = [];
  url = '';
  private server?: http.Server;
  private readonly uploads = new Map<string, string>();

  private constructor(private readonly auth: { readonly bearerRealm: string } | { readonly basic: string }) {}

  /** Publishes a Helm chart as `helm push` does; returns the chart layer's digest. */
  publishChart(name: string, tag: string, archive: Buffer): string {
    const config = Buffer.from(JSON.stringify({ name: name.split('/').pop(), version: tag }));
    this.blobs.set(`${name}@${sha256(config)}`, config);
    this.blobs.set(`${name}@${sha256(archive)}`, archive);
    const manifest = {
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: sha256(archive), size: archive.length }],
    };
    this.manifests.set(`${name}:${tag}`, {
      body: Buffer.from(JSON.stringify(manifest)),
      contentType: 'application/vnd.oci.image.manifest.v1+json',
    });
    return sha256(archive);
  }

  /** Requests that change something. */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD');
  }

  stop(): Promise<void> {
    return this.server ? stop(this.server) : Promise.resolve();
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const payload = await body(request);
    this.requests.push({ method: request.method!, path: url.pathname, contentType: request.headers['content-type'] });
    if ('bearerRealm' in this.auth) {
      if (url.pathname === new URL(this.auth.bearerRealm).pathname) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'anonymous' }));
        return;
      }
      if (request.headers.authorization !== 'Bearer anonymous') {
        response
          .writeHead(401, { 'www-authenticate': `Bearer realm="${this.auth.bearerRealm}",service="public.ecr.aws",scope="aws"` })
          .end();
        return;
      }
    } else if (request.headers.authorization !== `Basic ${this.auth.basic}`) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="ecr"' }).end();
      return;
    }

    const upload = /^\/v2\/(.+)\/blobs\/uploads\/(.*)$/.exec(url.pathname);
    if (upload && request.method === 'POST') {
      const id = randomUUID();
      this.uploads.set(id, upload[1]);
      response.writeHead(202, { location: `/v2/${upload[1]}/blobs/uploads/${id}` }).end();
      return;
    }
    if (upload && request.method === 'PUT' && this.uploads.get(upload[2]) === upload[1]) {
      const digest = url.searchParams.get('digest');
      if (digest !== sha256(payload)) {
        response.writeHead(400).end('DIGEST_INVALID');
        return;
      }
      this.blobs.set(`${upload[1]}@${digest}`, payload);
      response.writeHead(201, { location: `/v2/${upload[1]}/blobs/${digest}` }).end();
      return;
    }
    const object = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!object) {
      response.writeHead(404).end();
      return;
    }
    const [, name, kind, reference] = object;
    if (kind === 'manifests' && request.method === 'PUT') {
      const manifest = JSON.parse(payload.toString()) as { config: { digest: string }; layers: { digest: string }[] };
      const missing = [manifest.config, ...manifest.layers].find((descriptor) => !this.blobs.has(`${name}@${descriptor.digest}`));
      if (missing || this.manifests.has(`${name}:${reference}`)) {
        response.writeHead(400).end(missing ? 'MANIFEST_BLOB_UNKNOWN' : 'TAG_INVALID: immutable');
        return;
      }
      this.manifests.set(`${name}:${reference}`, { body: payload, contentType: request.headers['content-type'] ?? '' });
      response.writeHead(201).end();
      return;
    }
    const found =
      kind === 'manifests'
        ? this.manifests.get(`${name}:${reference}`)
        : this.blobs.has(`${name}@${reference}`)
          ? { body: this.blobs.get(`${name}@${reference}`)!, contentType: 'application/octet-stream' }
          : undefined;
    if (!found) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': found.contentType, 'content-length': found.body.length });
    response.end(request.method === 'HEAD' ? undefined : found.body);
  }
}

/**
 * The test network: each routed origin answered by a server on 127.0.0.1; any other address fails the test, so no
 * request leaves the machine.
 */
export function routedFetch(routes: Record<string, string>): Fetch {
  return (url, init) => {
    const parsed = new URL(url);
    const base = routes[parsed.origin];
    if (!base) return Promise.reject(new Error(`test network: ${parsed.origin} is not routed to 127.0.0.1`));
    return fetch(`${base}${parsed.pathname}${parsed.search}`, init);
  };
}
