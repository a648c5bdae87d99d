import { transformSync } from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from './project-root';

/**
 * A Lambda function's inline code from one TypeScript file of this repository (a path from the project root) that
 * imports nothing but what the Node.js runtime provides: transpiled, never bundled, so synth stays offline, and the
 * same bytes on every synth whatever runs the app (pinned esbuild, fixed options). The tests load the same file.
 */
export function inlineFunctionCode(source: string): string {
  const text = fs.readFileSync(path.join(projectRoot(), source), 'utf8');
  return transformSync(text, { loader: 'ts', format: 'cjs', target: 'node22', charset: 'utf8' }).code;
}
