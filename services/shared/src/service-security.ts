import { AccessTokenAuthenticator } from './auth/access-token-authenticator';
import { createCognitoVerifier } from './auth/cognito-verifier';
import { VerifiedTokenCache } from './auth/verified-token-cache';
import { ServiceConfigError } from './config/config-error';
import { SharedServiceConfig } from './config/shared-config';
import { Logger } from './log';
import { ReloadingTlsMaterial } from './mtls/tls-material';

/** Bound on cached verified tokens: ~10 MB at ~1 KB per token, far more than the distinct live tokens of a pod. */
const MAX_CACHED_TOKENS = 10_000;

export interface ServiceSecurity {
  readonly authenticator: AccessTokenAuthenticator;
  /** The service's own certificate, reloaded on rotation; only in native mTLS mode. */
  readonly tls?: ReloadingTlsMaterial;
}

/** The token authenticator and (in native mode) the service certificate, built from the shared configuration. */
export function createServiceSecurity(config: SharedServiceConfig, logger: Logger): ServiceSecurity {
  const verifier = usingFiles('COGNITO_JWKS_FILE', 'point it at a readable JWKS JSON file, or unset it to fetch from Cognito', () =>
    createCognitoVerifier(config.cognito, logger),
  );
  const mtls = config.mtls;
  return {
    authenticator: new AccessTokenAuthenticator(verifier, new VerifiedTokenCache(MAX_CACHED_TOKENS)),
    tls:
      mtls.mode === 'native'
        ? usingFiles(
            'TLS_CERT_FILE/TLS_KEY_FILE/TLS_CA_FILE',
            'mount the cert-manager secret; the key must match the certificate',
            () => new ReloadingTlsMaterial(mtls.files, mtls.reloadIntervalMs, logger),
          )
        : undefined,
  };
}

/** Unreadable or malformed mounted files are configuration errors, reported like a bad variable. */
function usingFiles<T>(variables: string, fix: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw new ServiceConfigError(variables, `cannot be used (${(err as Error).message})`, fix);
  }
}
