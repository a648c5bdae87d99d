import { createHash } from 'node:crypto';
import { MirrorError } from './mirror-error';

/** The Helm chart media types (Helm's OCI support) and the OCI image manifest they travel in. */
export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

/** `sha256:<hex>` of some bytes, as OCI descriptors and the lock file write digests. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface OciDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface OciManifest {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly config: OciDescriptor;
  readonly layers: readonly OciDescriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** How the mirror reaches chart repositories and registries (https://<host>); tests answer from 127.0.0.1. */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** The Helm chart layer of a manifest, or undefined when the manifest holds no chart. */
export function chartLayer(manifest: OciManifest): OciDescriptor | undefined {
  return manifest.layers.find((layer) => layer.mediaType === MEDIA_TYPES.helmChart);
}

/**
 * A client of the OCI distribution API for one registry host, with just what the mirror needs. Anonymous registries
 * (public.ecr.aws) answer 401 with a Bearer challenge; the client fetches the token it names once and retries.
 */
export class OciRegistry {
  private authorization: string | undefined;

  /** @param basicAuth the base64 `user:password` of a registry that takes basic auth (ECR) */
  constructor(
    readonly host: string,
    private readonly fetch: Fetch,
    basicAuth?: string,
  ) {
    this.authorization = basicAuth === undefined ? undefined : `Basic ${basicAuth}`;
  }

  /** The manifest a tag points at, or undefined when the repository or the tag does not exist. */
  async manifest(name: string, reference: string): Promise<OciManifest | undefined> {
    const response = await this.request('GET', `/v2/${name}/manifests/${reference}`, { headers: { accept: MEDIA_TYPES.manifest } });
    if (response.status === 404) return undefined;
    await this.expect(response, [200], `manifest ${name}:${reference}`);
    return (await response.json()) as OciManifest;
  }

  /** A blob's bytes, refused unless their sha256 is the digest asked for. */
  async blob(name: string, digest: string): Promise<Buffer> {
    const response = await this.request('GET', `/v2/${name}/blobs/${digest}`);
    await this.expect(response, [200], `blob ${name}@${digest}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const got = sha256Digest(bytes);
    if (got !== digest) throw new MirrorError(`blob ${name}@${digest} from ${this.host} has digest ${got}: refusing it`);
    return bytes;
  }

  /** Uploads a blob unless the repository already holds it (a monolithic POST then PUT, as Helm and ORAS push). */
  async pushBlob(name: string, mediaType: string, bytes: Buffer): Promise<OciDescriptor> {
    const digest = sha256Digest(bytes);
    const descriptor = { mediaType, digest, size: bytes.length };
    const head = await this.request('HEAD', `/v2/${name}/blobs/${digest}`);
    if (head.status === 200) return descriptor;
    const started = await this.request('POST', `/v2/${name}/blobs/uploads/`);
    await this.expect(started, [202], `upload to ${name}`);
    const location = started.headers.get('location');
    if (!location) throw new MirrorError(`upload to ${name} on ${this.host}: no Location in the answer`);
    const url = new URL(location, this.origin);
    url.searchParams.set('digest', digest);
    const put = await this.request('PUT', url.toString(), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
      body: bytes,
    });
    await this.expect(put, [201], `blob ${name}@${digest}`);
    return descriptor;
  }

  async putManifest(name: string, tag: string, manifest: OciManifest): Promise<void> {
    const response = await this.request('PUT', `/v2/${name}/manifests/${tag}`, {
      headers: { 'content-type': MEDIA_TYPES.manifest },
      body: JSON.stringify(manifest),
    });
    await this.expect(response, [201], `manifest ${name}:${tag}`);
  }

  private get origin(): string {
    return `https://${this.host}`;
  }

  private async request(method: string, pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(pathOrUrl, this.origin);
    // The registry's credentials go to the registry only, never to a host an upload Location names.
    const sendsCredentials = url.origin === this.origin;
    const send = () => {
      const authorization: Record<string, string> = sendsCredentials && this.authorization ? { authorization: this.authorization } : {};
      return this.fetch(url.toString(), { ...init, method, headers: { ...(init.headers as Record<string, string>), ...authorization } });
    };
    let response = await send();
    const challenge = response.headers.get('www-authenticate');
    if (response.status === 401 && challenge?.startsWith('Bearer ') && !this.authorization?.startsWith('Bearer ')) {
      await response.arrayBuffer();
      this.authorization = `Bearer ${await this.token(challenge)}`;
      response = await send();
    }
    return response;
  }

  /** The anonymous token a Bearer challenge (`realm="…",service="…",scope="…"`) names. */
  private async token(challenge: string): Promise<string> {
    const params = Object.fromEntries([...challenge.matchAll(/(?:^|[\s,])(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (!params.realm) throw new MirrorError(`${this.host} asks for a token without naming where to get it: ${challenge}`);
    const url = new URL(params.realm);
    for (const key of ['service', 'scope']) if (params[key]) url.searchParams.set(key, params[key]);
    const response = await this.fetch(url.toString());
    await this.expect(response, [200], `token from ${url.origin}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new MirrorError(`${url.origin} answered without a token`);
    return token;
  }

  private async expect(response: Response, statuses: readonly number[], what: string): Promise<void> {
    if (statuses.includes(response.status)) return;
    const detail = (await response.text()).slice(0, 200).replace(/\s+/g, ' ');
    throw new MirrorError(`${what} on ${this.host}: HTTP ${response.status} ${detail}`.trim());
  }
}
