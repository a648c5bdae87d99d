/** Name of the Kyverno ClusterPolicy. */
export const SIGNATURE_POLICY_NAME = 'platform-image-signatures';

/** The OIDC issuer of GitHub Actions tokens, which Fulcio writes into every keyless certificate it issues to a workflow. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** The workflow that signs the images (.github/workflows/delivery.yml), and the branch it signs on. */
export const DELIVERY_WORKFLOW = { path: '.github/workflows/delivery.yml', branch: 'main' } as const;

/** Sigstore's public transparency log, which keyless verification checks the signature's entry in. */
export const REKOR_URL = 'https://rekor.sigstore.dev';

const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;

/** A Kyverno `ClusterPolicy` (kyverno.io/v1), typed for the fields this policy sets. */
export interface KyvernoClusterPolicy {
  readonly apiVersion: 'kyverno.io/v1';
  readonly kind: 'ClusterPolicy';
  readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly validationFailureAction: 'Enforce' | 'Audit';
    readonly failurePolicy: 'Fail' | 'Ignore';
    readonly background: boolean;
    readonly webhookTimeoutSeconds: number;
    readonly rules: readonly {
      readonly name: string;
      readonly match: {
        readonly any: readonly { readonly resources: { readonly kinds: readonly string[]; readonly namespaces: readonly string[] } }[];
      };
      readonly verifyImages: readonly {
        readonly type: 'Cosign';
        readonly imageReferences: readonly string[];
        readonly failureAction: 'Enforce' | 'Audit';
        readonly mutateDigest: boolean;
        readonly verifyDigest: boolean;
        readonly required: boolean;
        readonly attestors: readonly {
          readonly entries: readonly {
            readonly keyless: { readonly subjectRegExp: string; readonly issuer: string; readonly rekor: { readonly url: string } };
          }[];
        }[];
      }[];
    }[];
  };
}

const NON_EMPTY_STRING = { type: 'string', minLength: 1 } as const;
const closedObject = (required: readonly string[], properties: Record<string, unknown>) => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});

/**
 * The fields of Kyverno's ClusterPolicy (kyverno.io/v1) this policy sets, as the schema check pins them (no schema
 * package models Kyverno's CRDs at the chart's version): a misspelled or unknown field of the spec, a rule, an image
 * verification or a keyless attestor is an error, instead of a field Kyverno would silently ignore.
 */
export const KYVERNO_CLUSTER_POLICY_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'kyverno.io/v1' },
    kind: { const: 'ClusterPolicy' },
    metadata: { type: 'object', required: ['name'], properties: { name: NON_EMPTY_STRING } },
    spec: closedObject(['rules'], {
      validationFailureAction: { enum: ['Enforce', 'Audit'] },
      failurePolicy: { enum: ['Fail', 'Ignore'] },
      background: { type: 'boolean' },
      webhookTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 30 },
      rules: {
        type: 'array',
        minItems: 1,
        items: closedObject(['name', 'match', 'verifyImages'], {
          name: NON_EMPTY_STRING,
          match: closedObject(['any'], {
            any: {
              type: 'array',
              minItems: 1,
              items: closedObject(['resources'], {
                resources: closedObject(['kinds'], {
                  kinds: { type: 'array', minItems: 1, items: NON_EMPTY_STRING },
                  namespaces: { type: 'array', items: NON_EMPTY_STRING },
                }),
              }),
            },
          }),
          verifyImages: {
            type: 'array',
            minItems: 1,
            items: closedObject(['imageReferences', 'attestors'], {
              type: { enum: ['Cosign', 'SigstoreBundle', 'Notary'] },
              imageReferences: { type: 'array', minItems: 1, items: NON_EMPTY_STRING },
              failureAction: { enum: ['Enforce', 'Audit'] },
              mutateDigest: { type: 'boolean' },
              verifyDigest: { type: 'boolean' },
              required: { type: 'boolean' },
              attestors: {
                type: 'array',
                minItems: 1,
                items: closedObject(['entries'], {
                  entries: {
                    type: 'array',
                    minItems: 1,
                    items: closedObject(['keyless'], {
                      keyless: closedObject(['issuer'], {
                        subject: NON_EMPTY_STRING,
                        subjectRegExp: NON_EMPTY_STRING,
                        issuer: NON_EMPTY_STRING,
                        rekor: closedObject(['url'], { url: NON_EMPTY_STRING }),
                      }),
                    }),
                  },
                }),
              },
            }),
          },
        }),
      },
    }),
  },
} as const;

export interface ImageSignaturePolicyProps {
  /** The platform's ECR registry host: images from it must be signed. */
  readonly registry: string;
  /** The platform's workload namespaces (as the image admission policy scopes them). */
  readonly namespaces: readonly string[];
  /** `<owner>/<repository>` on GitHub whose delivery workflow signs the images. */
  readonly githubRepository: string;
  /** Also require images pinned by digest (the signature covers a digest, a tag can move). @default true */
  readonly requireDigest?: boolean;
}

/** The certificate subject a keyless signature by the delivery workflow carries: that workflow file, on the release branch, of that repository. */
export function deliverySubjectRegExp(githubRepository: string): string {
  if (!GITHUB_REPOSITORY.test(githubRepository)) {
    throw new Error(`signature policy repository "${githubRepository}" is not a GitHub repository: use <owner>/<repository>`);
  }
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^${escape(`https://github.com/${githubRepository}/${DELIVERY_WORKFLOW.path}@refs/heads/${DELIVERY_WORKFLOW.branch}`)}$`;
}

/**
 * Admission (Kyverno `verifyImages`) that rejects a Pod in the platform's workload namespaces whose platform-registry
 * image has no cosign keyless signature from the delivery workflow of the configured repository, recorded in Rekor.
 * Fail-closed: `Enforce` rejects an unsigned image, `failurePolicy: Fail` rejects while Kyverno cannot answer.
 * Images from other registries are the image admission policy's to reject.
 */
export function imageSignaturePolicy(props: ImageSignaturePolicyProps): KyvernoClusterPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: SIGNATURE_POLICY_NAME,
      annotations: { 'policies.kyverno.io/description': "Platform images must carry the delivery workflow's cosign keyless signature." },
    },
    spec: {
      validationFailureAction: 'Enforce',
      failurePolicy: 'Fail',
      // Admission only: running pods were verified when admitted.
      background: false,
      // Kyverno fetches the signature from ECR and the entry from Rekor within this time.
      webhookTimeoutSeconds: 30,
      rules: [
        {
          name: 'delivery-workflow-signature',
          match: { any: [{ resources: { kinds: ['Pod'], namespaces: [...props.namespaces] } }] },
          verifyImages: [
            {
              type: 'Cosign',
              imageReferences: [`${props.registry}/*`],
              failureAction: 'Enforce',
              // GitOps owns the pod specs: verify, never rewrite them.
              mutateDigest: false,
              verifyDigest: props.requireDigest !== false,
              required: true,
              attestors: [
                {
                  entries: [
                    {
                      keyless: {
                        subjectRegExp: deliverySubjectRegExp(props.githubRepository),
                        issuer: GITHUB_ACTIONS_ISSUER,
                        rekor: { url: REKOR_URL },
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  };
}
