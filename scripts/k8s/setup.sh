#!/usr/bin/env bash
# The whole Kubernetes test-cluster set-up: build (or reuse) the tools, bring the cluster up, smoke
# test it. Prints how long each step took and whether the tools were built (cold) or cached (warm);
# the exports for the tests go to stdout:
#
#   eval "$(scripts/k8s/setup.sh)"        # then run the tests; afterwards:
#   scripts/k8s/cluster.sh down
#
# Usage: scripts/k8s/setup.sh [--real-node] [NAME]   (extra smoke options via SMOKE_ROLLBACK=1)
#   --real-node (or EPHEMERAL_K8S_REAL_NODE=1): a real node beside the kwok node (scripts/k8s/node.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REAL_ARGS=()
if [ "${1:-}" = --real-node ]; then REAL_ARGS=(--real-node) && shift; fi
[ -z "${EPHEMERAL_K8S_REAL_NODE:-}" ] || [ "$EPHEMERAL_K8S_REAL_NODE" = 0 ] || REAL_ARGS=(--real-node)
NAME="${1:-${EPHEMERAL_K8S_CLUSTER:-ephemeral}}"
k8s_check_name "$NAME"
T0=$(now_ms)

t=$(now_ms)
bin="$(bash "$K8S_SCRIPTS/build-tools.sh")"
tools_s="$(secs "$t" "$(now_ms)")"
mode="$(sed -n 's/^build=\([a-z]*\).*/\1/p' "$(dirname "$bin")/last-run" 2>/dev/null || true)"

t=$(now_ms)
exports="$(bash "$K8S_SCRIPTS/cluster.sh" up "${REAL_ARGS[@]}" "$NAME")"
up_s="$(secs "$t" "$(now_ms)")"

t=$(now_ms)
(
	eval "$exports"
	bash "$K8S_SCRIPTS/smoke.sh" "$NAME"
)
smoke_s="$(secs "$t" "$(now_ms)")"

log "k8s test cluster $NAME ready: $( [ "$mode" = cold ] && echo "COLD" || echo "WARM") set-up in $(secs "$T0" "$(now_ms)")s (tools ${tools_s}s ${mode:-?}, cluster up ${up_s}s, smoke ${smoke_s}s)"
printf '%s\n' "$exports"
