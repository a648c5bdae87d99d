/**
 * The environment variable naming this jest run's directory for shared synthesis (test/global-setup.ts sets it,
 * test/support/synthesized-configurations.ts fills it). Its own module, so global setup loads no CDK code.
 */
export const SYNTH_CACHE_VARIABLE = 'PLATFORM_TEST_SYNTH_CACHE';

/** The environment variable naming this jest run's temporary directory, which global teardown removes whole. */
export const RUN_DIRECTORY_VARIABLE = 'PLATFORM_TEST_RUN_DIRECTORY';

/** The variables `os.tmpdir()` reads (TMPDIR on POSIX, TMP and TEMP on Windows). */
export const TEMP_DIRECTORY_VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;
