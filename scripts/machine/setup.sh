#!/usr/bin/env bash
# Prepares this machine for the tests and the demo: a Docker engine, Compose v2 (+ buildx), Node 24 in
# the project cache, and stand-ins for the official images when no registry can provide them.
# Idempotent; a warm run only checks. On a machine that already has Docker, Compose v2 and pullable
# images it changes nothing system-wide (it still puts Node 24 into .cache/tools/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

machine_lock
T0=$(now_ms)
times=()
step() { # step <label> <script>
	local t
	t=$(now_ms)
	bash "$MACHINE_DIR/$2" >/dev/null
	times+=("$1 $(elapsed "$t")")
}
step docker ensure-docker.sh
step compose ensure-compose.sh
step node24 ensure-node24.sh
step images build-images.sh
log "machine ready in $(elapsed "$T0") (${times[*]}): docker $(docker version --format '{{.Server.Version}}'), compose $(docker compose version --short), node24 $("$TOOLS/node24/bin/node" --version)"
