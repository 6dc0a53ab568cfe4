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
