#!/usr/bin/env node
// Entry point of the `dubang` CLI: runs the compiled code (npm run build).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('dubang: not built yet. Run `npm run build` (or `npm run up`) first.\n');
  process.exit(1);
}
require(main).main(process.argv).catch((err) => {
  process.stderr.write(`${(err && err.stack) || err}\n`);
  process.exit(70);
});
