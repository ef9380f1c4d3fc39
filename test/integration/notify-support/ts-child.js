// Runs a TypeScript entry in a child process (the crash tests fork real processes, outside jest's
// transform): compiles .ts on require with @swc/core, the compiler jest already uses.
'use strict';
const fs = require('node:fs');
const swc = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
// Node tries extensions in registration order, so `./policy` would find config/policy.json before
// config/policy.ts: put .ts first, as TypeScript's resolution does.
for (const ext of Object.keys(require.extensions).filter((e) => e !== '.ts')) {
  const handler = require.extensions[ext];
  delete require.extensions[ext];
  require.extensions[ext] = handler;
}
const entry = require(process.argv[2]);
// entries that only start under `require.main === module` (worker/mail-main.ts) export main()
if (process.env.TS_CHILD_MAIN === '1' && typeof entry.main === 'function') entry.main();
