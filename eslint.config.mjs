// Lint: typescript-eslint's recommended rules, plus the import rules of docs/engineering.md:
// workflows/ and domain/ stay deterministic and free of I/O; production code imports no devtools/.
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'worker_threads',
  '@prisma/*', 'prisma', 'bullmq', 'ioredis', 'nodemailer', 'pg', 'smtp-server',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity',
];
// devtools/ (the local stack, the test mail sink) is for cli/, bench/, test/ and scripts/ only.
const noDevtools = {
  group: ['**/devtools', '**/devtools/**'],
  message: 'production code must not import devtools/ (dev stack, mail sink); only cli/, bench/, test/, scripts/ may.',
};
const restrictIo = (extra = []) => ({
  'no-restricted-imports': ['error', {
    patterns: [
      noDevtools,
      { group: [...ioModules, ...extra], message: 'domain/ and workflows/ must stay pure: no I/O, clients or config (docs/engineering.md).' },
      { group: ['**/config', '**/config/*', '**/infra/*', '**/activities/*', '**/worker/*', '**/generated/*'], message: 'domain/ and workflows/ must not import config, infra, activities, worker or the Prisma client.' },
    ],
  }],
  'no-restricted-globals': ['error', { name: 'process', message: 'no process in pure code' }, { name: 'setTimeout', message: 'use Temporal sleep/condition in workflows' }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'generated/**', 'var/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error'],
    },
  },
  { files: ['domain/**/*.ts'], rules: { ...restrictIo(['@temporalio/*']), 'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']", message: 'pass `now` in; no clock in domain/' }, { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pass `now` in; no clock in domain/' }] } },
  { files: ['workflows/**/*.ts'], rules: restrictIo() },
  {
    files: ['app/**/*.ts', 'activities/**/*.ts', 'infra/**/*.ts', 'worker/**/*.ts', 'web/**/*.ts', 'config/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noDevtools] }] },
  },
  { files: ['cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'], rules: { 'no-console': 'off' } },
  // Test-only entry points (domain/policy/testing.ts secondsPolicy, contracts/testing.ts simulated
  // time) are for test/ and bench/; the one production reader is workflows/business-time.ts, which
  // honours a simulated clock recorded in a run's input. The typescript-eslint twin of
  // no-restricted-imports is a rule of its own, so this adds to the layer rules, not replaces them.
  {
    files: ['**/*.ts'],
    ignores: ['test/**', 'bench/**', 'workflows/business-time.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/testing'], message: 'test-only entry point: import it from test/ or bench/ only.' }],
      }],
    },
  },
);
