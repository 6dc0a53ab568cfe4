#!/usr/bin/env bash
# The demo on a fresh machine: dependencies, Docker + Compose v2 + stand-in images, Node 24, then the
# per-PR lifecycle on examples/compose-app with the bundled actions running under Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh
prepare_all
exec npx tsx scripts/demo.ts "$@"
