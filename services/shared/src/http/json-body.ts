import { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/**
 * Reads a JSON request body: 415 unless it is declared as JSON, 413 as soon as it passes `limitBytes` (so an
 * oversized body is never buffered whole), 400 when it does not parse.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  if (!JSON_MEDIA_TYPE.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'content-type must be application/json');
  }
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) {
    throw new HttpError(413, `body larger than ${limitBytes} bytes`);
  }
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
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}
