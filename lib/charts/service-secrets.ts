import { ServiceDefinition } from '../catalogue/service-catalogue';
import { TypedManifest } from './typed-object';

/** The Secrets Store CSI driver's name, as a pod's `csi` volume names it. */
export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';

/** A SecretProviderClass of the Secrets Store CSI driver (secrets-store.csi.x-k8s.io/v1), as the AWS provider reads it. */
export interface SecretProviderClass extends TypedManifest {
  readonly apiVersion: 'secrets-store.csi.x-k8s.io/v1';
  readonly kind: 'SecretProviderClass';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: { readonly provider: 'aws'; readonly parameters: Readonly<Record<string, string>> };
}

/** Name of a service's SecretProviderClass (and of its pods' secrets volume). */
export function secretProviderClassName(service: ServiceDefinition): string {
  return `${service.name}-secrets`;
}

/**
 * What the AWS provider fetches for a service's pods: each catalogue secret by its Secrets Manager name, written as
 * the file `<secret name>`, with the pod's own Pod Identity role (`usePodIdentity`), so a pod can only mount what
 * its role may read. A secret without a given name is looked up as `<service>/<secret>`. No `secretObjects`: nothing is copied into a Kubernetes Secret.
 */
export function secretProviderClass(service: ServiceDefinition, secretNames: Readonly<Record<string, string>>): SecretProviderClass {
  const objects = (service.secrets ?? []).map((name) => {
    const secretName = secretNames[name] ?? `${service.name}/${name}`;
    return `- objectName: ${JSON.stringify(secretName)}\n  objectType: "secretsmanager"\n  objectAlias: ${JSON.stringify(name)}\n`;
  });
  return {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: { name: secretProviderClassName(service), namespace: service.namespace },
    spec: { provider: 'aws', parameters: { usePodIdentity: 'true', objects: objects.join('') } },
  };
}

/** JSON schema of the SecretProviderClass fields the charts write (its CRD, secrets-store-csi-driver 1.5). */
export const SECRET_PROVIDER_CLASS_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'secrets-store.csi.x-k8s.io/v1' },
    kind: { const: 'SecretProviderClass' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['provider', 'parameters'],
      additionalProperties: false,
      properties: {
        provider: { type: 'string', minLength: 1 },
        parameters: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
} as const;
