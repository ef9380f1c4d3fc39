#!/usr/bin/env node
// `npm run build` starts from an empty dist/: tsc never deletes the output of a source file that
// was moved or removed, and a stale one wins module resolution (dist/app/supervise.js, left from
// before app/supervise/ existed, shadowed dist/app/supervise/index.js and broke `npm run up`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
fs.rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
