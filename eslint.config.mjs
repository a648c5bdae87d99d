// Lint: typescript-eslint's recommended rules and eslint-plugin-security over everything we write; formatting is
// Prettier's (.prettierrc.json). `npm test` runs both and fails on any warning.
import regexp from 'eslint-plugin-regexp';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'coverage/', '**/*.d.ts', '**/__snapshots__/'] },
  ...tseslint.configs.recommended,
  security.configs.recommended,
  {
    // ReDoS: eslint-plugin-regexp analyses each pattern's automaton for super-linear backtracking, where
    // detect-unsafe-regex only counts nested quantifiers (it flags bounded, unambiguous patterns and misses others).
    plugins: { regexp },
    rules: {
      'security/detect-unsafe-regex': 'off',
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    // `_name` marks a parameter an interface requires; `{ dropped, ...rest }` is how an object loses a field.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }] },
  },
  {
    // Build-time code (synth, analysis, scripts, tests) reads the repository's own configuration, templates and
    // files: no request from outside reaches it. These three rules flag any computed key, path or pattern, which is
    // the whole point of that code; in the services, which do face hostile input, they stay on.
    files: ['lib/**', 'bin/**', 'scripts/**', 'test/**', 'services/*/test/**'],
    rules: {
      'security/detect-object-injection': 'off',
      'security/detect-non-literal-fs-filename': 'off',
      'security/detect-non-literal-regexp': 'off',
    },
  },
  {
    // A CommonJS script loads its modules with require (scripts/jest-groups.cjs: jest's CommonJS tests require it too).
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Synthesized templates and manifests are untyped JSON; the code that inspects them reaches into it by design.
    files: ['lib/evidence/**', 'lib/compliance/controls/**', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
