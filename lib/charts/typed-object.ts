import { ApiObject } from 'cdk8s';
import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { Construct } from 'constructs';

/**
 * A manifest typed by a kubernetes-models interface (or one of our own models): its `apiVersion` and `kind` are
 * literal types and every field is typed, so a misspelled field is a compile error — which matters because
 * schema validation does not reject unknown fields.
 */
export interface TypedManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: IObjectMeta;
}

/**
 * Adds a typed manifest to a chart. kubernetes-models 5 ships ES modules only, which CommonJS code cannot load,
 * so we use its types here and its validators in `manifest-schemas.ts`.
 */
export function addTypedObject<T extends TypedManifest>(scope: Construct, id: string, manifest: T): ApiObject {
  const { apiVersion, kind, metadata, ...body } = manifest;
  return new ApiObject(scope, id, { apiVersion, kind, metadata: { ...metadata }, ...body });
}
