#!/usr/bin/env bash
# Builds (or fetches) every binary of the kwok-based Kubernetes test cluster into a cache OUTSIDE the
# repository, so that it survives fresh clones on the same machine:
#
#   ${EPHEMERAL_TOOLS_CACHE:-$HOME/.cache/ephemeral/tools}/k8s/<version-key>/bin/
#     kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy
#                                   k8s.io/kubernetes K8S_VERSION, built through the wrapper module
#                                   tools/k8s (go.mod + go.sum)
#     coredns                       CoreDNS COREDNS_VERSION, trimmed: the wrapper module tools/k8s/coredns
#     kine                          go install github.com/k3s-io/kine@KINE_VERSION
#     vcluster vcluster-syncer      the vcluster CLI and syncer, VCLUSTER_VERSION: the wrapper module
#                                   tools/k8s/vcluster; the chart goes to .../<version-key>/vcluster-chart/
#     cni/ catatonit nft            CNI plugins, catatonit (the pause process) and nft, from .debs of the
#                                   machine's Debian suite, extracted (not installed)
#     kwok kwokctl                  go install sigs.k8s.io/kwok/cmd/...@KWOK_VERSION
#     helm3 helm4 (helm -> helm3)   go install helm.sh/helm/v{3,4}/cmd/helm@HELM{3,4}_VERSION
#     etcd                          Debian ETCD_DEBIAN_SUITE's etcd-server .deb, extracted (not installed)
#   .../<version-key>/helm-v3/helm, helm-v4/helm   symlinks: put one of these dirs first on PATH to
#                                   make `helm` a given major
#
# Versions: tools/k8s/versions.env. <version-key> = K8S_VERSION + a hash of the versions, the wrapper
# modules, the build recipe and the Go release, so a new pin gets a new directory. Every component that is
# already there is skipped (a warm run takes about a second). Go's caches (GOCACHE, GOMODCACHE) are
# kept in .../k8s/go/ so a re-pin recompiles only what changed.
#
# All Go builds: CGO_ENABLED=0, -trimpath, -ldflags "-s -w" plus the version stamps upstream's release
# builds set (kube: k8s.io/component-base/version.gitVersion etc.; helm: internal/version.version and
# the k8s capability defaults from its Makefile; kwok: pkg/consts.Version/KubeVersion).
#
# Prints the bin/ directory on stdout; per-component timings (cold build or cached) on stderr.
#
# Environment:
#   EPHEMERAL_TOOLS_CACHE     cache root (default ~/.cache/ephemeral/tools)
#   EPHEMERAL_K8S_ETCD        use this etcd binary (>= 3.5) instead of Debian's etcd-server
#   EPHEMERAL_K8S_BUILD_P     go build -p (default: number of CPUs)
#
# Usage: scripts/k8s/build-tools.sh [--prune]
#   --prune   afterwards, delete other <version-key> directories and Go's build and module caches
#             (~7 GB; only needed to rebuild quickly after a change of pins)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PRUNE=""
case "${1:-}" in
"") ;;
--prune) PRUNE=1 ;;
*) die "usage: $0 [--prune]" ;;
esac

T_ALL=$(now_ms)
k8s_paths
mkdir -p "$K8S_BIN" "$K8S_DIR/stamps"

# One build per version key at a time (several checkouts or test runs may start together). Builds of
# other keys go on in parallel: Go's build and module caches are safe for concurrent use, and the
# shared .deb downloads take their own lock (apt_download).
if [ -z "${K8S_LOCK_HELD:-}" ] && command -v flock >/dev/null 2>&1; then
	exec 8>"$K8S_DIR/.lock"
	if ! flock -n 8; then
		log "another build-tools.sh is building $K8S_KEY; waiting for it"
		flock 8
	fi
	export K8S_LOCK_HELD=1
fi

k8s_go_env
P="${EPHEMERAL_K8S_BUILD_P:-$(nproc 2>/dev/null || echo 2)}"

# Go new enough for every pinned module (their go directives; 1.26 for the current pins)?
need_go="$(awk '$1 == "go" { print $2 }' "$K8S_TOOLS_SRC"/go.mod "$K8S_TOOLS_SRC"/*/go.mod | sort -V | tail -n 1)"
have_go="$(k8s_go_version | awk '{ sub(/^go/, "", $1); print $1 }')"
if [ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n 1)" != "$need_go" ]; then
	die "Go $have_go is too old: the pinned tools need Go >= $need_go. Install a newer Go, or run with GOTOOLCHAIN=auto (Go then fetches go$need_go as a module through the Go module proxy)."
fi
LOGS="$K8S_DIR/logs"
mkdir -p "$LOGS"

# --- bookkeeping (done_already, record, cached, run_logged, install_bin, mod_info, apt_download) -------
source "$K8S_SCRIPTS/build-lib.sh"
SUMMARY=()
BUILT_ANY=""

log "tools cache: $K8S_DIR ($(k8s_go_version| awk '{print $1}'), go build -p $P)"

# The real node's and vcluster's tools (build-node-tools.sh) build at the same time as the Kubernetes
# binaries below: separate modules, and a second build keeps both cores busy while a linker runs.
NODE_SUMMARY="$LOGS/.node-summary"
: >"$NODE_SUMMARY"
BUILD_SUMMARY_FILE="$NODE_SUMMARY" bash "$K8S_SCRIPTS/build-node-tools.sh" 8>&- &
NODE_PID=$!
trap 'kill "$NODE_PID" 2>/dev/null || true' EXIT

# --- kube-apiserver, kube-controller-manager, kube-scheduler, kubectl --------------------------------
kube_component() { # kube_component <cmd>
	local c="$1" t
	t=$(now_ms)
	if done_already "$c" "$c"; then
		cached "$c" "$t"
		return
	fi
	if [ -z "${KUBE_LDFLAGS:-}" ]; then
		[[ "$K8S_VERSION" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || die "K8S_VERSION must look like v1.36.3"
		grep -q "^[[:space:]]*k8s.io/kubernetes $K8S_VERSION\\b" "$K8S_TOOLS_SRC/go.mod" ||
			die "tools/k8s/go.mod does not require k8s.io/kubernetes $K8S_VERSION; run scripts/k8s/update-k8s-module.sh"
		local date minor="${BASH_REMATCH[1]}" p
		date="$(mod_time "k8s.io/kubernetes@$K8S_VERSION")"
		# As upstream's hack/lib/version.sh. gitCommit stays empty: the module proxy has no VCS origin.
		KUBE_LDFLAGS="-s -w"
		for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
			KUBE_LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
			KUBE_LDFLAGS+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
		done
	fi
	log "building $c $K8S_VERSION (log: $LOGS/$c.log)"
	run_logged "$c" bash -c 'cd "$1" && go build -mod=readonly -p "$2" -trimpath -ldflags "$3" -o "$4" "k8s.io/kubernetes/cmd/$5"' \
		_ "$K8S_TOOLS_SRC" "$P" "$KUBE_LDFLAGS" "$K8S_BIN/.$c.tmp" "$c"
	mv -f "$K8S_BIN/.$c.tmp" "$K8S_BIN/$c"
	local v
	v="$("$K8S_BIN/$c" --version 2>/dev/null | awk '{print $NF}')" || true
	[ "$c" != kubectl ] || v="$("$K8S_BIN/kubectl" version --client 2>/dev/null | awk '/Client Version/ {print $3}')"
	[ "$v" = "$K8S_VERSION" ] || die "$c reports version '$v', expected $K8S_VERSION"
	record "$c" "$t" "$K8S_VERSION"
}

t=$(now_ms)
if done_already k8s-modules; then
	cached k8s-modules "$t"
else
	log "downloading the modules of tools/k8s (k8s.io/kubernetes $K8S_VERSION; log: $LOGS/k8s-modules.log)"
	run_logged k8s-modules bash -c 'cd "$1" && go mod download -x && go mod verify' _ "$K8S_TOOLS_SRC"
	record k8s-modules "$t" "$K8S_VERSION"
fi
for c in kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy; do kube_component "$c"; done

# --- kwok, kwokctl -------------------------------------------------------------------------------------
t=$(now_ms)
if done_already kwok kwok kwokctl; then
	cached kwok "$t"
else
	log "go install sigs.k8s.io/kwok/cmd/{kwok,kwokctl}@$KWOK_VERSION (log: $LOGS/kwok.log)"
	gobin="$K8S_DIR/.gobin-kwok"
	rm -rf "$gobin" && mkdir -p "$gobin"
	ld="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}"
	run_logged kwok env GOBIN="$gobin" go install -p "$P" -trimpath -ldflags "$ld" \
		"sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
	install_bin "$gobin/kwok" kwok
	install_bin "$gobin/kwokctl" kwokctl
	rm -rf "$gobin"
	v="$("$K8S_BIN/kwokctl" --version 2>&1)" || die "kwokctl --version failed (exit $?)"
	v="${v%%$'\n'*}" # first line, read whole (`| head -n 1` under pipefail can fail on SIGPIPE)
	[[ "$v" == *"${KWOK_VERSION#v}"* ]] || die "kwokctl --version says '$v', expected $KWOK_VERSION"
	record kwok "$t" "$KWOK_VERSION"
fi

# --- helm v3, helm v4 ----------------------------------------------------------------------------------
# The -X flags of helm's own Makefile (its `LDFLAGS += -X <pkg>.<var>=$(VAR)` lines), with the values
# a release build of the tag gets: version = the tag, metadata empty, gitTreeState clean, gitCommit
# empty (no VCS origin through the proxy), k8s capability defaults from its client-go version.
helm_ldflags() { # helm_ldflags <module dir> <tag>
	local dir="$1" tag="$2" cg major minor
	cg="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$dir/go.mod")"
	[[ "$cg" =~ ^v0\.([0-9]+)\. ]] || die "cannot read the client-go version from $dir/go.mod"
	major=1 minor="${BASH_REMATCH[1]}"
	printf -- '-s -w'
	awk '/^[[:space:]]*LDFLAGS[[:space:]]*\+=[[:space:]]*-X[[:space:]]/ { print $4 }' "$dir/Makefile" | sort -u |
		while IFS='=' read -r var val; do
			val="${val//[\$\{\}\(\)]/}"
			case "$val" in
			BINARY_VERSION) val="$tag" ;;
			VERSION_METADATA | GIT_COMMIT) val="" ;;
			GIT_DIRTY) val=clean ;;
			K8S_MODULES_MAJOR_VER) val="$major" ;;
			K8S_MODULES_MINOR_VER) val="$minor" ;;
			*) log "WARNING: helm Makefile sets $var from \$($val), which this script does not know; left out" && continue ;;
			esac
			printf ' -X %s=%s' "$var" "$val"
		done
}
helm_component() { # helm_component <3|4> <tag>
	local major="$1" tag="$2" t dir ld gobin v
	t=$(now_ms)
	if done_already "helm$major" "helm$major"; then
		cached "helm$major" "$t"
	else
		dir="$(mod_info "helm.sh/helm/v$major@$tag" Dir)"
		[ -f "$dir/Makefile" ] || die "no Makefile in $dir"
		ld="$(helm_ldflags "$dir" "$tag")"
		[[ "$ld" == *"internal/version.version=$tag"* ]] || die "could not derive helm's version ldflags from $dir/Makefile"
		log "go install helm.sh/helm/v$major/cmd/helm@$tag (log: $LOGS/helm$major.log)"
		gobin="$K8S_DIR/.gobin-helm$major"
		rm -rf "$gobin" && mkdir -p "$gobin"
		run_logged "helm$major" env GOBIN="$gobin" go install -p "$P" -trimpath -ldflags "$ld" "helm.sh/helm/v$major/cmd/helm@$tag"
		install_bin "$gobin/helm" "helm$major"
		rm -rf "$gobin"
		v="$("$K8S_BIN/helm$major" version --template '{{.Version}}' 2>/dev/null)" || true
		[ "$v" = "$tag" ] || die "helm$major version says '$v', expected $tag"
		record "helm$major" "$t" "$tag"
	fi
	mkdir -p "$K8S_DIR/helm-v$major"
	ln -sfn "../bin/helm$major" "$K8S_DIR/helm-v$major/helm"
}
helm_component 3 "$HELM3_VERSION"
helm_component 4 "$HELM4_VERSION"
ln -sfn helm3 "$K8S_BIN/helm"

# --- etcd ----------------------------------------------------------------------------------------------
etcd_from_debian() { # downloads and extracts etcd-server from ETCD_DEBIAN_SUITE; prints "<version>"
	local deb ver dest
	is_debian && command -v dpkg-deb >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
		die "etcd: not Debian (no apt-get/dpkg-deb); install etcd >= 3.5 and set EPHEMERAL_K8S_ETCD=/path/to/etcd"
	# (the .deb stays in debs/ itself, where earlier versions of this script put it)
	apt_download "$ETCD_DEBIAN_SUITE" "$K8S_CACHE/debs" etcd-server
	deb="$(compgen -G "$K8S_CACHE/debs/etcd-server_*.deb" | sort -V | tail -n 1)"
	ver="$(dpkg-deb -f "$deb" Version)"
	dest="$K8S_DIR/.etcd-deb"
	rm -rf "$dest" && mkdir -p "$dest"
	dpkg-deb -x "$deb" "$dest"
	[ -x "$dest/usr/bin/etcd" ] || die "etcd: $deb has no /usr/bin/etcd"
	install_bin "$dest/usr/bin/etcd" etcd
	rm -rf "$dest"
	printf '%s\n' "$ver"
}
t=$(now_ms)
if [ -n "${EPHEMERAL_K8S_ETCD:-}" ]; then
	[ -x "$EPHEMERAL_K8S_ETCD" ] || die "EPHEMERAL_K8S_ETCD=$EPHEMERAL_K8S_ETCD is not an executable"
	ln -sfn "$EPHEMERAL_K8S_ETCD" "$K8S_BIN/etcd"
	SUMMARY+=("$(printf '%-24s %-10s %8ss  %s' etcd external 0.0 "$EPHEMERAL_K8S_ETCD")")
elif done_already etcd etcd && [ ! -L "$K8S_BIN/etcd" ]; then
	cached etcd "$t"
else
	ver="$(etcd_from_debian)"
	v="$("$K8S_BIN/etcd" --version 2>/dev/null | awk '/etcd Version/ {print $3}')"
	[[ "$v" =~ ^3\.([5-9]|[1-9][0-9])\. ]] || die "etcd reports version '$v'; kube-apiserver $K8S_VERSION needs etcd >= 3.5"
	record etcd "$t" "$v (Debian $ETCD_DEBIAN_SUITE etcd-server $ver)"
fi

# --- the node tools (started above) ---------------------------------------------------------------------
wait "$NODE_PID" || die "building the real node's tools failed (scripts/k8s/build-node-tools.sh; logs: $LOGS)"
trap - EXIT
while IFS= read -r line; do
	if [ "$line" = BUILT_ANY ]; then BUILT_ANY=1; elif [ -n "$line" ]; then SUMMARY+=("$line"); fi
done <"$NODE_SUMMARY"
rm -f "$NODE_SUMMARY"

# --- manifest and summary ------------------------------------------------------------------------------
{
	printf '# Written by scripts/k8s/build-tools.sh; key %s\n' "$K8S_KEY"
	printf 'go %s\n' "$(k8s_go_version)"
	for f in "$K8S_DIR"/stamps/*; do printf '%-24s %s\n' "$(basename "$f")" "$(sed -n 's/^version=//p' "$f")"; done
} >"$K8S_DIR/VERSIONS"
k8s_require_bins
k8s_require_node_bins
total="$(secs "$T_ALL" "$(now_ms)")"
{
	printf '[k8s] component                status        time  version\n'
	printf '[k8s]   %s\n' "${SUMMARY[@]}"
	printf '[k8s] tools %s in %ss (%s)\n' "$([ -n "$BUILT_ANY" ] && echo "built (cold)" || echo "all cached (warm)")" "$total" "$K8S_BIN"
} >&2
printf 'build=%s seconds=%s\n' "$([ -n "$BUILT_ANY" ] && echo cold || echo warm)" "$total" >"$K8S_DIR/last-run"
if [ -n "$PRUNE" ]; then
	for d in "$K8S_CACHE"/v*; do
		[ "$d" = "$K8S_DIR" ] || [ ! -d "$d" ] || { log "prune: removing $d" && rm -rf "$d"; }
	done
	log "prune: removing Go's caches in $K8S_CACHE/go ($(du -sh "$K8S_CACHE/go" 2>/dev/null | cut -f1))"
	rm -rf "$K8S_CACHE/go"
fi
printf '%s\n' "$K8S_BIN"
