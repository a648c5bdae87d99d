// Bundles each service in services/<name>/src/index.ts into dist/services/<name>/index.js with esbuild.
// The options are pinned so the same sources give the same bytes; nothing is written unless every service builds.
import { build } from 'esbuild';
import { mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'dist', 'services');

/** Every folder of services/ with a src/index.ts is a service (shared/ has none). */
async function serviceNames() {
  const entries = await readdir(join(root, 'services'), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(join(root, 'services', e.name, 'src', 'index.ts')))
    .map((e) => e.name)
    .sort();
}

async function bundle(name) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join('services', name, 'src', 'index.ts')],
    outfile: join(outRoot, name, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    charset: 'utf8',
    metafile: false,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles;
}

try {
  const names = await serviceNames();
  const outputs = await Promise.all(names.map(bundle));
  await rm(outRoot, { recursive: true, force: true });
  for (const file of outputs.flat()) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
  }
  for (const [i, name] of names.entries()) {
    const js = outputs[i].find((f) => f.path.endsWith('.js'));
    console.log(`${name}: ${relative(root, js.path)} (${Math.round(js.contents.length / 1024)} KB)`);
  }
} catch (err) {
  console.error(`build-services failed, nothing written:\n${err.errors?.map((e) => `  ${e.location?.file}:${e.location?.line}: ${e.text}`).join('\n') ?? err.message}`);
  process.exit(1);
}
