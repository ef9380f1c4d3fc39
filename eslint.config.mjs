// Lint: typescript-eslint's recommended rules, plus the layer rules of docs/architecture.md:
// - domain/ and workflows/ stay deterministic and free of I/O;
// - each folder imports only the layers below it (the table LAYERS below), so the import graph has
//   one direction. test/unit/import-cycles.test.ts checks the graph has no cycles.
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'worker_threads',
  '@prisma/*',
  'prisma',
  'bullmq',
  'ioredis',
  'nodemailer',
  'pg',
  'smtp-server',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

/** Every top-level source folder, and the Prisma client generated into generated/. */
const FOLDERS = [
  'domain',
  'contracts',
  'config',
  'workflows',
  'app',
  'activities',
  'infra',
  'web',
  'worker',
  'cli',
  'devtools',
  'bench',
  'test',
  'scripts',
  'generated',
];

/**
 * Which folders each layer may import (besides itself and libraries). One direction:
 *   domain ← contracts ← workflows
 *   domain, contracts, config ← app ← activities
 *   domain, contracts, config ← infra (adapters: never app, activities or workflows)
 *   web (the HTTP adapter that drives the use cases) ← app, infra
 *   worker/ and cli/ are the composition roots: they wire everything (cli also the dev tools).
 * `generated` is the Prisma client: a data-access library, used by the layers that hold SQL (and
 * its types by the ports in contracts/). config/ takes its error base from contracts/.
 */
const LAYERS = {
  domain: [],
  contracts: ['domain', 'generated'],
  config: ['domain', 'contracts'],
  workflows: ['domain', 'contracts'],
  app: ['domain', 'contracts', 'config', 'generated'],
  activities: ['domain', 'contracts', 'config', 'generated', 'app'],
  infra: ['domain', 'contracts', 'config', 'generated'],
  web: ['domain', 'contracts', 'config', 'generated', 'app', 'infra'],
  worker: ['domain', 'contracts', 'config', 'generated', 'app', 'activities', 'infra', 'web', 'workflows'],
  cli: [
    'domain',
    'contracts',
    'config',
    'generated',
    'app',
    'activities',
    'infra',
    'web',
    'workflows',
    'worker',
    'devtools',
  ],
  devtools: ['domain', 'contracts', 'config', 'generated', 'infra'],
};

/** Deepest folder nesting under a top-level folder that the rules cover (web/routes/x.ts is depth 2). */
const MAX_DEPTH = 5;

/**
 * A relative specifier that climbs exactly to the repository root from a file `depth` folders down
 * and then enters a forbidden top-level folder (so contracts/testing.ts importing ./workflows, its
 * sibling file, is not mistaken for workflows/; library names like @temporalio/worker never match).
 */
function layerPatterns(layer, depth) {
  const allowed = new Set([layer, ...LAYERS[layer]]);
  const forbidden = FOLDERS.filter((f) => !allowed.has(f));
  return [
    {
      regex: `^(\\./)?(\\.\\./){${depth}}(${forbidden.join('|')})(/|$)`,
      message: `${layer}/ may import only ${LAYERS[layer].join(', ') || 'itself'} (layer rules: docs/architecture.md).`,
    },
  ];
}

const pureGlobals = {
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'no process in pure code' },
    { name: 'setTimeout', message: 'use Temporal sleep/condition in workflows' },
  ],
};
const pureIo = {
  group: ioModules,
  message: 'domain/ and workflows/ must stay pure: no I/O, clients or config (docs/architecture.md).',
};

function rulesFor(layer, depth) {
  const patterns = layerPatterns(layer, depth);
  if (layer === 'domain' || layer === 'workflows') {
    patterns.push(layer === 'domain' ? { ...pureIo, group: [...ioModules, '@temporalio/*'] } : pureIo);
    return { 'no-restricted-imports': ['error', { patterns }], ...pureGlobals };
  }
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const noClock = [
  'error',
  {
    selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']",
    message: 'pass `now` in; no clock in domain/',
  },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pass `now` in; no clock in domain/' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'generated/**', 'var/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error'],
    },
  },
  // one block per layer and depth: files directly in web/ climb one ../, files in web/routes/ two
  ...Object.keys(LAYERS).flatMap((layer) =>
    Array.from({ length: MAX_DEPTH }, (_, i) => ({
      files: [`${layer}/${'*/'.repeat(i)}*.ts`],
      rules: rulesFor(layer, i + 1),
    })),
  ),
  { files: ['domain/**/*.ts'], rules: { 'no-restricted-syntax': noClock } },
  { files: ['cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'], rules: { 'no-console': 'off' } },
  // Test-only entry points (domain/policy/testing.ts secondsPolicy, contracts/testing.ts simulated
  // time, app/supervise/testing.ts simulated starts) are for test/ and bench/; the one production
  // reader is workflows/business-time.ts, which honours a simulated clock recorded in a run's input,
  // and a test-only entry point may build on another. The typescript-eslint twin of
  // no-restricted-imports is a rule of its own, so this adds to the layer rules, not replaces them.
  {
    files: ['**/*.ts'],
    ignores: ['test/**', 'bench/**', 'workflows/business-time.ts', '**/testing.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/testing'], message: 'test-only entry point: import it from test/ or bench/ only.' }],
        },
      ],
    },
  },
);
