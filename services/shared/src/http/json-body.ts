import { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/** A request body as parsed and as received: the bytes are what a proxy forwards, so the service parses the same. */
export interface JsonBody {
  readonly value: unknown;
  readonly bytes: Buffer;
}

/**
 * 415 unless the body is declared as JSON, 413 when its declared length passes `limitBytes`: checked from the
 * headers alone, before a client sending `Expect: 100-continue` is told to go on.
 */
export function checkJsonBodyHeaders(req: IncomingMessage, limitBytes: number): void {
  if (!JSON_MEDIA_TYPE.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'content-type must be application/json');
  }
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) {
    throw new HttpError(413, `body larger than ${limitBytes} bytes`);
  }
}

/**
 * Reads a JSON request body whose headers passed checkJsonBodyHeaders: 413 as soon as it passes `limitBytes` (so
 * an oversized chunked body is never buffered whole), 400 when it does not parse.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw new HttpError(413, `body larger than ${limitBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    // A client that hangs up mid-body made a bad request, not a server failure.
    throw err instanceof HttpError ? err : new HttpError(400, 'body could not be read');
  }
  const bytes = Buffer.concat(chunks);
  try {
    return { value: JSON.parse(bytes.toString('utf8')), bytes };
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}
