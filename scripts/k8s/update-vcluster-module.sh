#!/usr/bin/env bash
# Regenerates tools/k8s/vcluster/go.mod and go.sum: the wrapper module that builds the vcluster CLI
# (cmd/vclusterctl) and syncer (cmd/vcluster) at VCLUSTER_VERSION (tools/k8s/versions.env).
#
# Why a wrapper, and why its go.sum starts as a copy of vcluster's own:
#   * `go install github.com/loft-sh/vcluster/cmd/vclusterctl@<v>` fails here: the module proxy
#     refuses the module's version list ("loading deprecation ... @v/list: 403 Forbidden"); a require
#     of an exact version in a wrapper module does not need the list.
#   * `go mod tidy` then fails on a few pre-release dependencies (loft-sh/api/v4, agentapi/v4,
#     admin-apis) that the checksum database does not know (404). vcluster's own go.sum, which is
#     part of the vcluster module zip (itself verified by the checksum database), records their hashes:
#     seeded with it, tidy verifies those modules against vcluster's recorded hashes instead.
# Re-check both after a version bump (a newer vcluster may need a newer Go: its go directive).
#
# Usage: scripts/k8s/update-vcluster-module.sh        then commit tools/k8s/vcluster/go.mod and go.sum
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

k8s_go_env
unset GOFLAGS
dir="$K8S_TOOLS_SRC/vcluster"
t0=$(now_ms)
upstream="$(cd "$K8S_CACHE" && go mod download -json "github.com/loft-sh/vcluster@$VCLUSTER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -r "$upstream/go.mod" ] || die "go mod download github.com/loft-sh/vcluster@$VCLUSTER_VERSION failed (is the Go module proxy reachable?)"
godirective="$(awk '$1 == "go" && NF == 2 { print $2; exit }' "$upstream/go.mod")"
cat >"$dir/go.mod" <<EOF
// Wrapper module: builds the vcluster CLI (vclusterctl) and syncer (vcluster) at a pinned version for
// the test cluster (scripts/k8s/build-tools.sh). Regenerate with scripts/k8s/update-vcluster-module.sh.

module ephemeral/tools/k8s/vcluster

go $godirective

tool (
	github.com/loft-sh/vcluster/cmd/vcluster
	github.com/loft-sh/vcluster/cmd/vclusterctl
)

require github.com/loft-sh/vcluster $VCLUSTER_VERSION
EOF
install -m 0644 "$upstream/go.sum" "$dir/go.sum"
(cd "$dir" && go mod tidy) || die "go mod tidy failed in tools/k8s/vcluster"
log "tools/k8s/vcluster/go.mod and go.sum regenerated for vcluster $VCLUSTER_VERSION in $(elapsed "$t0"); commit both"
