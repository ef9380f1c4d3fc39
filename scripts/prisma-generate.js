#!/usr/bin/env node
'use strict';
/**
 * `npm run prisma:generate`: `prisma generate` with PRISMA_SCHEMA_ENGINE_BINARY set to the offline
 * schema engine (scripts/prisma-engine/schema-engine), so the CLI does not try to download the
 * native engine. An engine already named in the environment (a connected machine's native one) wins.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY)
  env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, 'scripts', 'prisma-engine', 'schema-engine');
// Prisma's "update available" check is a network call; there is no network here.
env.PRISMA_HIDE_UPDATE_MESSAGE = env.PRISMA_HIDE_UPDATE_MESSAGE || '1';
env.CHECKPOINT_DISABLE = env.CHECKPOINT_DISABLE || '1';

const cli = require.resolve('prisma/build/index.js', { paths: [root] });
const r = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (r.error) {
  process.stderr.write(`prisma generate could not start: ${r.error.message}\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);
