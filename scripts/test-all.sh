#!/usr/bin/env bash
# `npm test`: everything, in the order that fails fastest. Installs what it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ ! -d node_modules ] || ! node -e "require('better-sqlite3')" 2>/dev/null; then
  step "install dependencies"
  npm install --no-audit --no-fund
fi
node -e "new (require('better-sqlite3'))(':memory:')" || { echo "better-sqlite3's native module did not build (needs python3, make, g++)"; exit 1; }
[ -d lib/generated/prisma ] && [ -d lib/generated/prisma-pg ] || npm run db:generate

step "format and lint (biome)"
npx biome check .

step "type check (tsc)"
npx tsc --noEmit

step "unit tests (vitest)"
npx vitest run --project unit

step "build (next build)"
npx next build

step "API integration tests against the built server (vitest), SQLite"
npx vitest run --project api

# PostgreSQL passes: every run creates its own databases on TEST_PG_URL and drops them after.
PG_OK=0
if node -e "const c=new (require('pg').Client)({connectionString:process.env.TEST_PG_URL||'postgresql://postgres@127.0.0.1:5432/postgres',connectionTimeoutMillis:3000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))"; then
  PG_OK=1
elif [ "${TEST_PG_REQUIRED:-0}" = "1" ]; then
  echo "PostgreSQL at ${TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres} is not reachable (TEST_PG_REQUIRED=1)"; exit 1
else
  echo "NOTE: no PostgreSQL at ${TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}: skipping the PostgreSQL passes"
fi

if [ "$PG_OK" = "1" ]; then
  step "API integration tests against the built server (vitest), PostgreSQL"
  TEST_DATABASE=postgresql npx vitest run --project api

  step "cluster test: 3 instances + 2 delivery workers on PostgreSQL, with kills (vitest)"
  npx vitest run --project cluster
fi

step "browser"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ]; then
    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "Chromium is missing. Install it with:  sudo apt-get install -y chromium"; exit 1
  fi
fi

step "end-to-end tests (Playwright + Chromium), SQLite"
npx playwright test

if [ "$PG_OK" = "1" ]; then
  step "end-to-end tests (Playwright + Chromium), PostgreSQL"
  TEST_DATABASE=postgresql npx playwright test
fi
