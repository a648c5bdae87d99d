import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { MirrorError } from './mirror-error';

const BLOCK = 512;

/** Reads a NUL-terminated string field of a tar header. */
function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** The `path` a pax extended header (`<length> path=<value>\n` records) sets, if any. */
function paxPath(data: Buffer): string | undefined {
  return /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
}

/**
 * The chart's metadata, read from `<chart>/Chart.yaml` in a chart archive (a gzipped tar, ustar with GNU or pax long
 * names as `helm package` writes it). It becomes the OCI config blob, as `helm push` makes it.
 */
export function chartMetadata(archive: Buffer): Record<string, unknown> {
  const tar = gunzipSync(archive);
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x') {
      longName = type === 'L' ? field(data, 0, data.length) : paxPath(data);
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (/^[^/]+\/Chart\.yaml$/.test(name)) {
      const metadata: unknown = parse(data.toString('utf8'));
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) break;
      return metadata as Record<string, unknown>;
    }
  }
  throw new MirrorError('the archive holds no <chart>/Chart.yaml: it is not a Helm chart');
}
