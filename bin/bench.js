#!/usr/bin/env node
// Benchmark runner: `npm run bench -- <name> [options]` runs the compiled dist/bench/<name>.js
// (npm run build first) with the options as its own argv.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const [name, ...rest] = process.argv.slice(2);
const dir = path.join(__dirname, '..', 'dist', 'bench');
const available = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.slice(0, -3))
  : [];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  process.stderr.write(
    `usage: npm run bench -- <name> [options]   (available: ${available.join(', ') || 'none: run npm run build'})\n`,
  );
  process.exit(2);
}
const file = path.join(dir, `${name}.js`);
if (!fs.existsSync(file)) {
  process.stderr.write(
    `bench: no benchmark "${name}" in dist/bench (available: ${available.join(', ') || 'none'}). Run \`npm run build\` first.\n`,
  );
  process.exit(2);
}
process.argv = [process.argv[0], file, ...rest];
require(file);
