/**
 * The workflow code as the Temporal worker loads it: bundled once by `npm run build`
 * (`node dist/worker/workflow-bundle.js` writes dist/workflows/bundle.js), not by webpack inside
 * every worker at start-up.
 *
 * Why: bundling at start-up costs the worker ≈ 2–3 s of CPU and leaves ≈ 75 MB of RSS it never
 * gives back, and its peak during the bundle was ≈ 350 MB above the idle worker's
 * (docs/deploy.md, Worker sizing). The SDK's own advice for production is the same
 * (`bundleWorkflowCode` ahead of time, `workflowBundle` at run time).
 *
 * A bundle older than any compiled file it is made of (a `tsc` without the bundling step) is not
 * used: the worker bundles at start-up instead and says so, so stale workflow code never runs.
 * Under ts-node/jest (TypeScript sources) there is no bundle: the worker bundles the sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkerOptions } from '@temporalio/worker';

/** What the bundle is made with; the worker's start-up bundling uses the same. */
export const BUNDLER_OPTIONS = {
  // Evaluated once in the worker's shared V8 context and shared by every workflow, instead of once
  // per workflow (each cache miss, each replay): the pure domain modules the workflows use, the
  // holiday data, and what they import, luxon with its zone and Intl caches included (a bare
  // 'luxon' here is dropped by webpack: its package declares no side effects, so an unused
  // require of it is removed; the domain modules bring it in). Safe to share: none holds workflow
  // state (their only module-level state are caches of values that depend on their keys alone),
  // and the SDK freezes their exports. Paths are relative to the bundle's entry, beside
  // workflows/index.
  preloadModules: [
    'chinese-days/dist/chinese-days.json',
    '../domain/calendar',
    '../domain/lifecycle',
    '../domain/notices',
    '../domain/policy',
  ],
} satisfies NonNullable<WorkerOptions['bundlerOptions']>;

const root = path.join(__dirname, '..');
const compiled = __filename.endsWith('.js');
/** The folders whose compiled files go into the workflow bundle (workflows/ imports only these). */
const SOURCES = ['workflows', 'domain', 'contracts'];

/** Where the workflow code is: the TypeScript sources under jest/ts-node, the compiled file otherwise. */
export function workflowsPath(): string {
  const ts = path.join(root, 'workflows', 'index.ts');
  return fs.existsSync(ts) && !compiled ? ts : path.join(root, 'workflows', 'index.js');
}

/** The bundle written by the build. */
export function bundlePath(): string {
  return path.join(root, 'workflows', 'bundle.js');
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.js') && p !== bundlePath()) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The worker's workflow options: the built bundle when it is there and current, else the sources
 * with the bundler options (and the reason, for the log).
 */
export function workflowCode():
  | { options: Pick<WorkerOptions, 'workflowBundle'>; prebuilt: true }
  | { options: Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'>; prebuilt: false; reason: string } {
  const fallback = (reason: string) => ({
    options: { workflowsPath: workflowsPath(), bundlerOptions: BUNDLER_OPTIONS },
    prebuilt: false as const,
    reason,
  });
  if (!compiled) return fallback('running from the TypeScript sources');
  const file = bundlePath();
  if (!fs.existsSync(file)) return fallback(`no ${path.relative(root, file)} (npm run build makes it)`);
  const made = fs.statSync(file).mtimeMs;
  const stale = SOURCES.some((d) => fs.existsSync(path.join(root, d)) && newestSource(path.join(root, d)) > made);
  if (stale) return fallback(`${path.relative(root, file)} is older than the compiled workflow code (npm run build)`);
  return { options: { workflowBundle: { codePath: file } }, prebuilt: true };
}

/** Writes the bundle (the build's last step). */
export async function writeBundle(options: Partial<BundleOptions> = {}): Promise<{ file: string; bytes: number }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), ...BUNDLER_OPTIONS, ...options });
  const file = bundlePath();
  fs.writeFileSync(file, code);
  return { file, bytes: Buffer.byteLength(code) };
}

if (require.main === module) {
  writeBundle().then(
    ({ file, bytes }) =>
      process.stdout.write(`workflow bundle: ${path.relative(process.cwd(), file)} (${Math.round(bytes / 1024)} KB)\n`),
    (err: unknown) => {
      process.stderr.write(`workflow bundle failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
