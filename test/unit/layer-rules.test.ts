/**
 * The layer rules of eslint.config.mjs (docs/architecture.md) fire on a violation: each case lints a
 * one-line file placed in a layer, importing another, and expects the rule's verdict. ESLint's
 * config is an ES module, which jest's CommonJS sandbox cannot load, so one child node process
 * lints every case through ESLint's API.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

const CASES: [file: string, spec: string, restricted: boolean][] = [
  ['domain/x.ts', '../config', true],
  ['domain/x.ts', '../contracts/mail', true],
  ['domain/plan/x.ts', '../units', false],
  ['contracts/x.ts', '../domain/model', false],
  ['contracts/x.ts', '../app/audit', true],
  ['workflows/x.ts', '../contracts/workflows', false],
  ['workflows/x.ts', '../activities/lifecycle', true],
  ['workflows/x.ts', '../infra/logger', true],
  ['app/x.ts', '../infra/logger', true],
  ['app/notices/x.ts', '../../activities/lifecycle', true],
  ['app/notices/x.ts', '../../workflows/planner', true],
  ['app/notices/x.ts', '../dashboard/lights', false],
  ['app/x.ts', '../config', false],
  ['infra/queue/x.ts', '../../app/audit', true],
  ['infra/queue/x.ts', '../../activities/lifecycle', true],
  ['infra/queue/x.ts', '../../contracts/notification', false],
  ['activities/x.ts', '../app/audit', false],
  ['activities/x.ts', '../infra/outbox', true],
  ['web/routes/x.ts', '../../app/dashboard/queries', false],
  ['web/routes/x.ts', '../../activities/lifecycle', true],
  ['worker/x.ts', '../devtools/stack', true],
  ['infra/x.ts', '../devtools/stack', true],
  ['cli/commands/x.ts', '../../devtools/stack', false],
  ['infra/temporal.ts', '@temporalio/worker', false],
  ['contracts/testing.ts', './workflows', false],
  ['web/routes/deep/x.ts', '../../../activities/lifecycle', true],
  ['config/x.ts', '../contracts/errors', false],
  ['config/x.ts', '../app/audit', true],
  ['domain/x.ts', 'node:fs', true],
  ['domain/x.ts', '@temporalio/workflow', true],
  ['workflows/x.ts', '@temporalio/workflow', false],
  ['workflows/x.ts', 'ioredis', true],
];

const SCRIPT = `
const { ESLint } = require('eslint');
const cases = JSON.parse(process.argv[1]);
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const [file, spec] of cases) {
    const [res] = await eslint.lintText("import { x } from '" + spec + "';\\nexport const y = x;\\n", { filePath: file });
    out.push(res.messages.some((m) => m.ruleId === 'no-restricted-imports'));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('layer rules', () => {
  const verdicts: boolean[] = JSON.parse(
    execFileSync(process.execPath, ['-e', SCRIPT, JSON.stringify(CASES.map(([f, s]) => [path.join(root, f), s]))], {
      cwd: root,
      encoding: 'utf8',
    }),
  );
  it.each(CASES.map((c, i) => [...c, i] as const))('%s importing %s: restricted %s', (_file, _spec, expected, i) => {
    expect(verdicts[i]).toBe(expected);
  });
});
