#!/usr/bin/env bash
# The demo on a fresh machine: dependencies, Docker + Compose v2 + stand-in images, Node 24, then the
# per-PR lifecycle on examples/compose-app with the bundled actions running under Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh
prepare_node_modules
bash scripts/machine/setup.sh
prepare_example
export EPHEMERAL_TEST_NODE="${EPHEMERAL_TEST_NODE:-$PWD/.cache/tools/node24/bin/node}"
exec npx tsx scripts/demo.ts "$@"
