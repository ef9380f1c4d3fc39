#!/usr/bin/env bash
# `npm run up`: everything a developer needs, from a fresh clone or warm. Idempotent; fast when
# nothing changed (no install, no build, services already up).
#   0. the pinned Node LTS (.nvmrc) first on PATH (scripts/ensure-node.sh installs it once if missing)
#   1. dependencies (npm ci when node_modules is missing, npm install when the lockfile is newer)
#   2. build (skipped when dist/ is newer than every source file)
#   3. the Temporal CLI (scripts/ensure-temporal.sh: PATH, TEMPORAL_CLI, per-user cache, or go install once)
#   4. `dubang dev up`: PostgreSQL, Redis, Temporal dev server + Web UI, mail sink
#   5-7. database migrations, the real plan, workers: steps for the lead to fill in (marked below)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\n== %s\n' "$*"; }
now_ms() { date +%s%3N; }
T0=$(now_ms)

# Every step below, and the apps `dev up --apps` starts (they inherit process.execPath), run on it.
PATH="$(bash scripts/ensure-node.sh):$PATH"
export PATH
echo "node $(node --version)"

step "1/7 依赖 (dependencies)"
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
elif [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json || package.json -nt node_modules/.package-lock.json ]]; then
  # Outdated, not missing: update in place rather than wiping a tree others may be using.
  npm install --no-audit --no-fund
else
  echo "node_modules 已是最新"
fi

step "2/7 构建 (build)"
STAMP=dist/.build-stamp
SOURCES=(app config contracts domain workflows activities infra worker cli bench prisma tsconfig.json tsconfig.build.json package-lock.json)
existing=()
for s in "${SOURCES[@]}"; do [[ -e "$s" ]] && existing+=("$s"); done
if [[ -f "$STAMP" ]] && [[ -z "$(find "${existing[@]}" -newer "$STAMP" \( -name '*.ts' -o -name '*.json' -o -name '*.prisma' -o -name '*.sql' \) -print -quit 2>/dev/null)" ]]; then
  echo "dist/ 已是最新"
else
  npm run build
  touch "$STAMP"
  REBUILT=1
fi

step "3/7 Temporal CLI"
TEMPORAL_BIN="$(bash scripts/ensure-temporal.sh)"
echo "$TEMPORAL_BIN"

step "4/7 本地服务 (dubang dev up)"
T_UP=$(now_ms)
node bin/dubang.js dev up
echo "(dev up: $(( $(now_ms) - T_UP )) ms)"

PLAN="$(cd "$ROOT/.." && pwd)/shared/plans/nanchang-quality-city-2024.txt"

step "5/7 数据库迁移与单位名录 (migrate, seed the units directory)"
node bin/dubang.js db migrate
node bin/dubang.js units seed

step "6/7 导入真实方案 (import the real plan: $PLAN)"
# A no-op when this plan is already imported; a revised file is applied as a diff.
node bin/dubang.js plan import "$PLAN" --plan nanchang-quality-city-2024

step "7/7 启动应用与督办 (workers, web, supervision of the real plan)"
# Apps still running on code older than this build are restarted.
if [[ -n "${REBUILT:-}" ]]; then node bin/dubang.js dev down --apps; fi
node bin/dubang.js dev up --apps
# One lifecycle per task; idempotent (workflow ids derive from plan and task).
node bin/dubang.js supervise start nanchang-quality-city-2024
# The annual assessment on its Temporal Schedule (20 Dec 09:00 Asia/Shanghai); updates in place.
node bin/dubang.js assess schedule
# Where to go, and the demo sign-in of the Office and leadership (demo passwords, set once).
node bin/dubang.js users demo-logins

printf '\n完成 (%s ms)。状态: node bin/dubang.js dev status; 停止: npm run down\n' "$(( $(now_ms) - T0 ))"
