/** Stops the Temporal dev server global-setup.js started for this test run (if it started one). */
'use strict';
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const t = globalThis.__DUBANG_TEST_TEMPORAL__;
  if (!t) return;
  const { stopProcess } = require('../../devtools/process');
  await stopProcess(t.pid, 'start-dev', 5000);
  fs.rmSync(t.record, { force: true });
  fs.rmSync(t.logFile, { force: true });
  delete process.env.TEMPORAL_TEST_ADDRESS;
  globalThis.__DUBANG_TEST_TEMPORAL__ = undefined;
};
