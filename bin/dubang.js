#!/usr/bin/env node
// Entry point of the `dubang` CLI: runs the compiled code (npm run build).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
// @prisma/adapter-pg 7.10 overlaps queries on one pg client inside interactive transactions, and
// pg 8.23 warns about that on every import. It is Prisma's to fix; the warning says nothing the Office
// can act on, so the CLI drops exactly that one and lets every other warning through.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning && warning.message;
  if (
    typeof text === 'string' &&
    text.startsWith('Calling client.query() when the client is already executing a query')
  )
    return;
  return emitWarning.call(process, warning, ...rest);
};
if (!fs.existsSync(main)) {
  process.stderr.write('dubang: not built yet. Run `npm run build` (or `npm run up`) first.\n');
  process.exit(1);
}
require(main)
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`${(err && err.stack) || err}\n`);
    process.exit(70);
  });
