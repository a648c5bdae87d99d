// Bundles each service in services/<name>/src/index.ts into dist/services/<name>/index.js with esbuild.
// The options are pinned so the same sources give the same bytes; nothing is written unless every service builds.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles one entry in memory; the caller writes the files once everything has built. */
export async function bundle(entry, outfile) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles;
}

/** Writes bundled files, replacing `outDir`. */
export async function writeOutputs(outDir, files) {
  await rm(outDir, { recursive: true, force: true });
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
  }
}

/** Every folder of services/ with a src/index.ts is a service (shared/ has none). */
async function serviceNames() {
  const entries = await readdir(join(root, 'services'), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(join(root, 'services', e.name, 'src', 'index.ts')))
    .map((e) => e.name)
    .sort();
}

async function main() {
  const outRoot = join(root, 'dist', 'services');
  try {
    const names = await serviceNames();
    const outputs = await Promise.all(
      names.map((name) => bundle(join('services', name, 'src', 'index.ts'), join(outRoot, name, 'index.js'))),
    );
    await writeOutputs(outRoot, outputs.flat());
    for (const [i, name] of names.entries()) {
      const js = outputs[i].find((f) => f.path.endsWith('.js'));
      console.log(`${name}: ${relative(root, js.path)} (${Math.round(js.contents.length / 1024)} KB)`);
    }
  } catch (err) {
    const details = err.errors?.map((e) => `  ${e.location?.file}:${e.location?.line}: ${e.text}`).join('\n');
    console.error(`build-services failed, nothing written:\n${details ?? err.message}`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
