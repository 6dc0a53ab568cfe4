# shellcheck shell=bash
# Shared helpers for scripts/k8s/*.sh (the kwok-based Kubernetes test cluster). Source it; do not
# execute it. See docs/k8s-test-cluster.md.
#
# Rules (same as scripts/machine, see /work/shared/design/TEST-INFRA.md and K8S-TEST-CLUSTER.md):
#   * no registry or mirror host name is written anywhere: Go uses the machine's GOPROXY, the Debian
#     mirror is read at run time from the machine's own apt sources (debian_uri in machine/lib.sh);
#   * nothing system-wide changes: no package is installed, /usr/bin/kubectl is never touched, the
#     user's ~/.kube/config is never written;
#   * the tools are built once into a cache OUTSIDE the repository (it survives fresh clones):
#       ${EPHEMERAL_TOOLS_CACHE:-$HOME/.cache/ephemeral/tools}/k8s/<version-key>/bin/

K8S_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# debian_uri, is_root, is_debian, now_ms, elapsed, REPO
# shellcheck source=../machine/lib.sh
source "$K8S_SCRIPTS/../machine/lib.sh"

log() { printf '[k8s] %s\n' "$*" >&2; }
die() {
	printf '[k8s] ERROR: %s\n' "$*" >&2
	exit 1
}

K8S_TOOLS_SRC="$REPO/tools/k8s"
# shellcheck source=../../tools/k8s/versions.env
source "$K8S_TOOLS_SRC/versions.env"

# Bump when a change to build-tools.sh (flags, ldflags, layout) must rebuild cached binaries.
K8S_BUILD_RECIPE=2

TOOLS_CACHE="${EPHEMERAL_TOOLS_CACHE:-$HOME/.cache/ephemeral/tools}"
K8S_CACHE="$TOOLS_CACHE/k8s"
# Go's caches for these builds live next to the binaries (one directory to keep or to wipe; the
# module cache is made writable with -modcacherw so that `rm -rf` works).
K8S_GOCACHE="$K8S_CACHE/go/build"
K8S_GOMODCACHE="$K8S_CACHE/go/mod"

# Running clusters (kwokctl's work dir, kubeconfigs): state, not cache.
K8S_STATE="${EPHEMERAL_K8S_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/ephemeral/k8s}"

sha16() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi | cut -c1-16; }

# The Go environment of every build: caches under the tools cache, static binaries, no VCS stamping
# of the wrapper module (it sits in this repository), no go.work. GOPROXY/GOSUMDB/GOTOOLCHAIN come
# from the machine.
k8s_go_env() {
	export GOCACHE="$K8S_GOCACHE" GOMODCACHE="$K8S_GOMODCACHE"
	export GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0 GOWORK=off
}

# The Go release that builds the wrapper module (as `go` would pick it there).
k8s_go_version() {
	command -v go >/dev/null 2>&1 || die "no 'go' on PATH: the Kubernetes test tools are built from source with Go >= 1.26 (install Go, or set GOTOOLCHAIN=auto with a Go >= 1.21)"
	(cd "$K8S_TOOLS_SRC" && GOFLAGS= go env GOVERSION GOOS GOARCH | tr '\n' ' ')
}

# <k8s version>-<hash of everything that goes into the binaries>: pinned versions, the wrapper modules
# (tools/k8s and its coredns/ and vcluster/ sub-modules), the build recipe number, the Go release and
# platform.
k8s_version_key() {
	local h
	h="$({
		printf 'recipe %s\n' "$K8S_BUILD_RECIPE"
		k8s_go_version
		printf '\n'
		grep -vE '^[[:space:]]*(#|$)' "$K8S_TOOLS_SRC/versions.env"
		cat "$K8S_TOOLS_SRC/go.mod" "$K8S_TOOLS_SRC/go.sum"
		cat "$K8S_TOOLS_SRC"/coredns/go.mod "$K8S_TOOLS_SRC"/coredns/go.sum "$K8S_TOOLS_SRC"/coredns/*.go
		cat "$K8S_TOOLS_SRC"/vcluster/go.mod "$K8S_TOOLS_SRC"/vcluster/go.sum
	} | sha16)"
	printf '%s-%s\n' "$K8S_VERSION" "$h"
}

# Sets K8S_KEY, K8S_DIR (cache dir of this key) and K8S_BIN.
k8s_paths() {
	K8S_KEY="$(k8s_version_key)"
	K8S_DIR="$K8S_CACHE/$K8S_KEY"
	K8S_BIN="$K8S_DIR/bin"
}

# Binaries every cluster / smoke run needs, as "<file in bin/>|<what it is>".
K8S_REQUIRED_BINS=(
	"etcd|etcd (Debian $ETCD_DEBIAN_SUITE etcd-server)"
	"kube-apiserver|kube-apiserver $K8S_VERSION"
	"kube-controller-manager|kube-controller-manager $K8S_VERSION"
	"kube-scheduler|kube-scheduler $K8S_VERSION"
	"kubectl|kubectl $K8S_VERSION"
	"kwok|kwok (controller) $KWOK_VERSION"
	"kwokctl|kwokctl $KWOK_VERSION"
	"helm3|helm $HELM3_VERSION"
	"helm4|helm $HELM4_VERSION"
)

# k8s_missing <dir> <test flag> <"path|what">...: prints "what (path)" for each entry whose <dir>/<path>
# fails `test <flag>` (-x: an executable, -e: exists).
k8s_missing() {
	local dir="$1" flag="$2" spec f what
	shift 2
	for spec in "$@"; do
		IFS='|' read -r f what <<<"$spec"
		test "$flag" "$dir/$f" || printf '%s (%s)\n' "$what" "$f"
	done
}
# k8s_die_missing <dir> <missing...>: fails naming them all (nothing when none is given).
k8s_die_missing() {
	local dir="$1"
	shift
	[ "$#" -eq 0 ] && return 0
	local IFS=','
	die "missing in ${dir}: $*; run scripts/k8s/build-tools.sh"
}

# Fails naming every missing binary, unless all are present and executable.
k8s_require_bins() {
	local missing
	mapfile -t missing < <(k8s_missing "$K8S_BIN" -x "${K8S_REQUIRED_BINS[@]}")
	k8s_die_missing "$K8S_BIN" "${missing[@]}"
}

# Cluster names: what kwokctl accepts and is safe in paths.
k8s_check_name() {
	[[ "$1" =~ ^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$ ]] || die "invalid cluster name '$1' (lower-case letters, digits and '-', at most 32)"
}

# Per-cluster paths: K8S_NAME, KWOK_WORKDIR (exported: kwokctl reads it), K8S_CLUSTER_DIR, K8S_KUBECONFIG.
k8s_cluster_paths() {
	K8S_NAME="$1"
	k8s_check_name "$K8S_NAME"
	export KWOK_WORKDIR="$K8S_STATE/kwok"
	K8S_CLUSTER_DIR="$KWOK_WORKDIR/clusters/$K8S_NAME"
	K8S_KUBECONFIG="$K8S_STATE/$K8S_NAME.kubeconfig"
}

# Seconds with one decimal between two now_ms values.
secs() { local d=$(($2 - $1)); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }

# pid_alive <pid>: running and not a zombie (a killed component stays a zombie where PID 1 does not
# reap, which `kill -0` would call alive).
pid_alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	[ -r /proc/self/stat ] || return 0 # (no /proc: macOS)
	[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# The control-plane components kwokctl runs, and those of them (of cluster K8S_NAME) whose process
# is gone, per kwokctl's pid files.
K8S_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller)
k8s_dead_components() {
	local c
	for c in "${K8S_COMPONENTS[@]}"; do
		pid_alive "$(cat "$K8S_CLUSTER_DIR/pids/$c.pid" 2>/dev/null || true)" || printf '%s\n' "$c"
	done
}

# --- the real node (scripts/k8s/node.sh) ---------------------------------------------------------------
# A kubelet with a private containerd beside the kwok node, so that pods really run. Its network is
# host-global (a bridge, KUBE-*/CNI-* iptables chains, kubelet ports, /var/lib/kubelet), so only one
# real node runs per host: NODE_LOCK is held, by the node's own daemons, for its whole lifetime.
NODE_NAME=ephemeral-real-node
NODE_LABEL=ephemeral.test/real-node         # label (value "true") tests select the node by
NODE_TAINT_KEY=ephemeral.test/real-node     # NoSchedule taint: only pods that tolerate it land there
NODE_BRIDGE=ephk8s0                         # CNI bridge; its address is the node IP and pods' gateway
NODE_IP=10.244.0.1
NODE_POD_CIDR=10.244.0.0/24
# kube-apiserver's default --service-cluster-ip-range (kwokctl sets none); 10.0.0.1 is the `kubernetes`
# Service. The host routes this range to the bridge, so a ClusterIP that kube-proxy has not programmed
# yet never leaves the machine.
NODE_SERVICE_CIDR=10.0.0.0/24
NODE_KUBERNETES_SVC_IP=10.0.0.1
NODE_CLUSTER_DOMAIN=cluster.local
NODE_LOCK="${EPHEMERAL_K8S_NODE_LOCK:-/run/lock/ephemeral-k8s-real-node.lock}"
# Runtime state of the node (sockets, pod dirs, logs, baseline of the host): removed by down.
NODE_STATE="$K8S_STATE/node"
# containerd's image store persists between runs (only one real node per host uses it at a time), so
# the images are imported once, not on every bring-up.
NODE_IMAGE_STORE="$K8S_CACHE/node/containerd"

# Binaries the real node needs on top of K8S_REQUIRED_BINS ("<file in bin/>|<what it is>").
K8S_NODE_BINS=(
	"kubelet|kubelet $K8S_VERSION"
	"kube-proxy|kube-proxy $K8S_VERSION"
	"coredns|CoreDNS $COREDNS_VERSION (trimmed, tools/k8s/coredns)"
	"catatonit|catatonit (Debian, the pause process)"
	"nft|nft (Debian nftables, for the teardown of nft tables)"
	"cni/bridge|CNI plugins (Debian containernetworking-plugins)"
	"cni/host-local|CNI host-local IPAM"
	"cni/loopback|CNI loopback"
	"cni/firewall|CNI firewall"
)
# Binaries and files of vcluster ("<path under K8S_DIR>|<what it is>").
K8S_VCLUSTER_BINS=(
	"bin/vcluster|vcluster CLI $VCLUSTER_VERSION (vclusterctl)"
	"bin/vcluster-syncer|vcluster syncer $VCLUSTER_VERSION"
	"bin/kine|kine $KINE_VERSION"
	"vcluster-chart/Chart.yaml|the vcluster $VCLUSTER_VERSION chart"
)

# k8s_require_node_bins: fails naming every missing real-node or vcluster binary.
k8s_require_node_bins() {
	local missing
	mapfile -t missing < <(k8s_missing "$K8S_BIN" -x "${K8S_NODE_BINS[@]}"; k8s_missing "$K8S_DIR" -e "${K8S_VCLUSTER_BINS[@]}")
	k8s_die_missing "$K8S_DIR" "${missing[@]}"
}
