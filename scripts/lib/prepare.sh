# shellcheck shell=bash
# Shared steps for scripts/test.sh, demo.sh and bench.sh.

# npm ci when node_modules is missing or older than the lockfile.
prepare_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[prepare] npm ci"
    npm ci --no-fund --no-audit
  fi
}

# The example app's dependencies are installed on the host and copied into its image: HTTPS from inside a
# container fails certificate checks on machines whose registry access goes through a private CA.
prepare_example() {
  local api=examples/compose-app/api
  if [ -f "$api/package.json" ] && { [ ! -d "$api/node_modules" ] || [ "$api/package-lock.json" -nt "$api/node_modules/.package-lock.json" ]; }; then
    echo "[prepare] npm ci in $api"
    (cd "$api" && npm ci --omit=dev --no-fund --no-audit)
  fi
}

# GitHub's REST description (npm @octokit/openapi, pinned in the script), cached in .cache/npm: the unit test
# that regenerates test/harness/github/openapi-subset.json reads it from there.
prepare_github_openapi() {
  node scripts/github-openapi-subset.mjs --fetch
}

# Everything a run on a fresh machine needs: dependencies, Docker + Compose v2 + stand-in images, Node 24,
# the example's dependencies, the loopback test registry; exports EPHEMERAL_TEST_NODE (the bundled actions
# run under Node 24, the runtime GitHub uses: runs.using: node24) and EPHEMERAL_TEST_REGISTRY (the CNCF
# Distribution registry binary the lock-file tests run on 127.0.0.1: scripts/tools/build.sh registry,
# built once into ~/.cache/ephemeral/tools/registry/).
prepare_all() {
  prepare_machine
  prepare_registry
}

# prepare_all without the registry: scripts/test.sh starts the cluster's set-up after this, then builds
# the registry beside it.
prepare_machine() {
  prepare_node_modules
  prepare_github_openapi
  bash scripts/machine/setup.sh
  prepare_example
  export EPHEMERAL_TEST_NODE="${EPHEMERAL_TEST_NODE:-$PWD/.cache/tools/node24/bin/node}"
}

# The test registry binary (minutes to build cold, milliseconds cached): exports EPHEMERAL_TEST_REGISTRY.
prepare_registry() {
  EPHEMERAL_TEST_REGISTRY="${EPHEMERAL_TEST_REGISTRY:-$(bash scripts/tools/build.sh registry)}"
  export EPHEMERAL_TEST_REGISTRY
}
