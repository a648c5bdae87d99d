/**
 * The environment variable naming this jest run's directory for shared synthesis (test/global-setup.ts sets it,
 * test/support/synthesized-configurations.ts fills it). Its own module, so global setup loads no CDK code.
 */
export const SYNTH_CACHE_VARIABLE = 'PLATFORM_TEST_SYNTH_CACHE';
