#!/usr/bin/env bash
# The benchmarks on a fresh machine: dependencies, Docker + Compose v2 + stand-in images, Node 24, then
# bench/run.ts (provision-compose + post vs raw docker compose, and wait-ready's detection latency), which
# prints a table and overwrites docs/benchmarks.md. Options go to bench/run.ts: npm run bench -- --help
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh
prepare_all
exec npx tsx bench/run.ts "$@"
