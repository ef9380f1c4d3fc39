#!/usr/bin/env bash
# `npm test`: build what the tests need, make sure the services run, then unit tests (parallel)
# and integration tests (serial, real services). Exits non-zero when anything fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The pinned Node LTS (.nvmrc) first on PATH: tsc, eslint, jest and every process the tests spawn
# run on it, whatever node started `npm test` (scripts/ensure-node.sh installs it once if missing).
PATH="$(bash scripts/ensure-node.sh):$PATH"
export PATH
echo "node $(node --version)"

# Always a full build (prisma generate + tsc): the CLI tests run dist/, and a stale dist/ would
# make them test old code.
npm run build
bash scripts/ensure-temporal.sh >/dev/null
# PostgreSQL and Redis for the integration tests (started only if missing). Temporal for the tests
# is a dedicated server that test/helpers/global-setup.js starts and stops.
node bin/dubang.js dev up >/dev/null

status=0
RESULTS="$(mktemp -d)"
trap 'rm -rf "$RESULTS"' EXIT
# Static checks first: strict types over everything (tests included) and the lint import rules.
npx tsc --noEmit -p tsconfig.json || status=1
npx eslint . || status=1
# One format over the repository (Prettier, .prettierrc.json; `npm run format` fixes it).
npx prettier --check . >/dev/null || { npx prettier --list-different . | sed 's/^/not formatted: /'; status=1; }
npx jest --selectProjects unit --json --outputFile "$RESULTS/unit.json" || status=1
npx jest --selectProjects integration --runInBand --json --outputFile "$RESULTS/integration.json" || status=1
# One closing line for CI over both runs: "N passed, N failed" (jest prints one per project).
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0;
  for (const f of process.argv.slice(1)) {
    try { const r = JSON.parse(fs.readFileSync(f, "utf8")); passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; } catch { failed += 1; }
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$RESULTS/unit.json" "$RESULTS/integration.json"
exit $status
