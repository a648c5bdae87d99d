// Validates Kubernetes manifests against the pinned schema packages, which are ES modules only (this project is
// CommonJS, so manifest-schemas.ts runs this file in a child `node`). Reads {manifests, modules, jsonSchemas} as JSON
// on stdin and writes the list of problems, one line each, as JSON on stdout.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

/**
 * Every problem of the manifests: an apiVersion or kind without a pinned schema is one, so nothing reaches the
 * cluster unchecked.
 * @param {{ manifests: any[], modules: Record<string, string>, jsonSchemas: Record<string, object> }} input
 * @returns {Promise<string[]>}
 */
export async function manifestProblems({ manifests, modules, jsonSchemas }) {
  const ajv = new Ajv({ allErrors: true });
  const problems = [];
  for (const [index, manifest] of manifests.entries()) {
    const where = `${manifest.kind} ${manifest.metadata?.namespace ?? ''}/${manifest.metadata?.name ?? '?'}`;
    try {
      const key = `${manifest.apiVersion}/${manifest.kind}`;
      if (jsonSchemas[key]) {
        if (!ajv.validate(jsonSchemas[key], manifest)) throw new Error(ajv.errorsText());
        continue;
      }
      const specifier = modules[manifest.apiVersion];
      if (!specifier) throw new Error(`no pinned schema for apiVersion ${manifest.apiVersion}`);
      const Model = await import(`${specifier}/${manifest.kind}`).then(
        (m) => m[manifest.kind],
        () => undefined,
      );
      if (!Model) throw new Error(`no pinned schema for ${key}`);
      new Model(manifest).validate();
    } catch (error) {
      problems.push(`manifest ${index} (${where}): ${error.message}`);
    }
  }
  return problems;
}

process.stdout.write(JSON.stringify(await manifestProblems(JSON.parse(readFileSync(0, 'utf8')))));
