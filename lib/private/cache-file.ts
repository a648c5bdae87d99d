import * as fs from 'fs';
import * as path from 'path';

/**
 * A cache entry's JSON, or undefined when the file does not exist (or another synth's clean-up just removed it).
 * An entry that cannot be read or parsed stops with the file and the fix named, rather than a bare parse error.
 */
export function readCacheEntry<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cacheError(file, error);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw cacheError(file, error);
  }
}

/**
 * Writes a cache entry beside its final name and renames it into place, so that a concurrent reader (another synth,
 * another jest worker) sees the whole entry or none; then removes the entries `stale` names from the same directory.
 */
export function writeCacheEntry(file: string, value: unknown, stale: (names: string[]) => string[] = () => []): void {
  const directory = path.dirname(file);
  fs.mkdirSync(directory, { recursive: true });
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(value));
  fs.renameSync(temporary, file);
  for (const old of stale(fs.readdirSync(directory).filter((name) => name !== path.basename(file)))) {
    fs.rmSync(path.join(directory, old), { force: true });
  }
}

function cacheError(file: string, cause: unknown): Error {
  return new Error(
    `cannot read the cache entry ${file} (${cause instanceof Error ? cause.message : String(cause)}): ` +
      `delete ${path.dirname(file)} and synthesize again`,
  );
}
