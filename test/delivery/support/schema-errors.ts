import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';

/**
 * JSON schemas of GitHub's configuration files, vendored from SchemaStore (Apache-2.0, commit 3b6446ad8a07 of
 * 2026-08-07; refresh by copying src/schemas/json/<name>.json) and checked with ajv, offline. action-validator 0.6.0
 * (the maintained WebAssembly validator on npm) embeds an older schema that rejects `permissions: attestations`,
 * which build provenance needs; SchemaStore's is the one editors and action-validator itself derive from.
 */
export type GitHubSchema = 'github-workflow' | 'dependabot-2.0';

const validators = new Map<GitHubSchema, ReturnType<Ajv['compile']>>();

/** The schema errors of a parsed document, as `<path> <message>` lines; empty when it is valid. */
export function schemaErrors(schema: GitHubSchema, document: unknown): string[] {
  let validate = validators.get(schema);
  if (!validate) {
    // strict: false, because SchemaStore schemas use keywords (e.g. markdownDescription) that are not JSON Schema.
    validate = new Ajv({ strict: false, allErrors: true }).compile(
      JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'schemas', `${schema}.json`), 'utf8')),
    );
    validators.set(schema, validate);
  }
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
