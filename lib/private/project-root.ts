import * as fs from 'fs';
import * as path from 'path';

/** The folder holding package.json, whether this file runs from source (ts) or from dist/ (compiled). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
