import { ConfigErrors, PlatformConfig, profileDefaults, validatePlatformConfig } from '../../lib/config';
import { REFERENCE_CATALOGUE } from './catalogue';

/** The dev profile in a fixed environment, the base the config tests change one slice of. */
export const DEV_DEFAULTS: PlatformConfig = profileDefaults('dev', { account: '123456789012', region: 'us-east-1' });

/** The one-line messages `build` fails with, or [] when it succeeds; any other error is rethrown. */
export function configProblems(build: () => unknown): string[] {
  try {
    build();
    return [];
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((e) => e.message);
    throw error;
  }
}

/** The messages for the dev profile with one slice of its configuration changed. */
export function sliceProblems<K extends 'cluster' | 'edge' | 'network' | 'logging' | 'detection'>(
  slice: K,
  change: Partial<PlatformConfig[K]>,
): string[] {
  return configProblems(() =>
    validatePlatformConfig({ ...DEV_DEFAULTS, [slice]: { ...DEV_DEFAULTS[slice], ...change } }, REFERENCE_CATALOGUE),
  );
}
