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

step "API integration tests against the built server (vitest)"
npx vitest run --project api

step "browser"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ]; then
    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "Chromium is missing. Install it with:  sudo apt-get install -y chromium"; exit 1
  fi
fi

step "end-to-end tests (Playwright + Chromium)"
npx playwright test
