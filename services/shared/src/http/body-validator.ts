import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { BodySchemas } from '../../../../lib/catalogue/body-schemas';
import { HttpError } from './http-error';

/** Compiles every body schema once at start-up; a failed check is a 400 that names the offending field. */
export class BodyValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(schemas: BodySchemas) {
    const ajv = new Ajv({ strict: true, allErrors: false });
    for (const [name, schema] of Object.entries(schemas)) this.validators.set(name, ajv.compile(schema));
  }

  has(name: string): boolean {
    return this.validators.has(name);
  }

  validate(name: string, body: unknown): unknown {
    const validate = this.validators.get(name);
    if (!validate) throw new Error(`no body schema named ${name}`);
    if (!validate(body)) throw new HttpError(400, describe(validate.errors?.[0]));
    return body;
  }
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'body is invalid';
  const path = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  const field = ['body', ...path].join('.');
  return error.keyword === 'additionalProperties' ? `${field} is not allowed` : `${field} ${error.message}`;
}
