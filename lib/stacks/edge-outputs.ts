// Kept apart from the Edge stack so `npm run smoke` reads the same names without loading aws-cdk-lib.

/** The Edge stack's outputs (CloudFormation OutputKey), read by `npm run smoke` and described in the README. */
export const EDGE_OUTPUTS = {
  /** Base URL of the API, ending in `/`: `https://api.<domain>/`, or the execute-api stage URL without a domain. */
  apiUrl: 'ApiUrl',
  /** The user pool domain's OAuth 2.0 token endpoint. */
  tokenUrl: 'TokenUrl',
  userPoolId: 'UserPoolId',
  /** The client-credentials app client; its secret is in Secrets Manager (`machineClientSecretName`), never output. */
  machineClientId: 'MachineClientId',
} as const;

/**
 * The outputs of one configured API client (`edge.clients`), keyed by its name without hyphens, e.g. `partner-a` →
 * `ApiClientPartnerAKeyId`. Identifiers only: the key value and the app client secret are read with the CLI, never output.
 */
export function apiClientOutputs(clientName: string): { readonly keyId: string; readonly appClientId: string } {
  const stem = clientName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return { keyId: `ApiClient${stem}KeyId`, appClientId: `ApiClient${stem}AppClientId` };
}
