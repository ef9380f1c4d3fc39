#!/usr/bin/env bash
# `npm test`: build what the tests need, make sure the services run, then unit tests (parallel)
# and integration tests (serial, real services). Exits non-zero when anything fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Always a full build (prisma generate + tsc): the CLI tests run dist/, and a stale dist/ would
# make them test old code.
npm run build
bash scripts/ensure-temporal.sh >/dev/null
# PostgreSQL and Redis for the integration tests (started only if missing). Temporal for the tests
# is a dedicated server that test/helpers/global-setup.js starts and stops.
node bin/dubang.js dev up >/dev/null

status=0
npx jest --selectProjects unit || status=1
npx jest --selectProjects integration --runInBand || status=1
exit $status
