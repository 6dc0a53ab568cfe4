#!/usr/bin/env bash
# Builds (or fetches) what the real node and vcluster need beyond the control plane, into the same
# version-keyed tools cache as build-tools.sh (which runs this script in parallel with its own
# Kubernetes builds: on 2 cores the Go linkers leave a core idle otherwise):
#
#   bin/coredns                CoreDNS COREDNS_VERSION, trimmed (tools/k8s/coredns/main.go)
#   bin/kine                   go install github.com/k3s-io/kine@KINE_VERSION
#   bin/vcluster               vcluster CLI (cmd/vclusterctl) } VCLUSTER_VERSION, through the wrapper
#   bin/vcluster-syncer        vcluster syncer (cmd/vcluster) } module tools/k8s/vcluster
#   vcluster-chart/            the chart from the vcluster module zip (the CLI's --local-chart-dir)
#   bin/cni/*                  CNI plugins          } .debs of the machine's Debian suite
#   bin/catatonit              the pause process    } (containernetworking-plugins, catatonit,
#   bin/nft, nft/              nft (teardown only)  }  nftables, libnftables1), extracted
#
# Same rules as build-tools.sh: CGO_ENABLED=0, -trimpath, -mod=readonly against committed go.sum files,
# the upstream release builds' -X version stamps, a stamp per component (a warm run skips it).
#
# Usage: scripts/k8s/build-node-tools.sh [coredns|kine|vcluster|node-debs ...]   (default: all; normally
#        run by build-tools.sh; prints nothing on stdout)
# Environment: BUILD_SUMMARY_FILE  append the per-component summary lines there (build-tools.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ONLY=" ${*:-coredns kine vcluster node-debs} "
for c in "$@"; do
	case "$c" in coredns | kine | vcluster | node-debs) ;; *) die "usage: $0 [coredns|kine|vcluster|node-debs ...]" ;; esac
done
want() { [[ "$ONLY" == *" $1 "* ]]; }

k8s_paths
mkdir -p "$K8S_BIN" "$K8S_DIR/stamps"
if [ -z "${K8S_LOCK_HELD:-}" ] && command -v flock >/dev/null 2>&1; then
	exec 8>"$K8S_DIR/.lock"
	flock -n 8 || { log "another build is running on $K8S_KEY; waiting for it" && flock 8; }
	export K8S_LOCK_HELD=1
fi
k8s_go_env
P="${EPHEMERAL_K8S_BUILD_P:-$(nproc 2>/dev/null || echo 2)}"
LOGS="$K8S_DIR/logs"
mkdir -p "$LOGS"
SUMMARY=()
BUILT_ANY=""
source "$K8S_SCRIPTS/build-lib.sh"

# --- CoreDNS (trimmed) ---------------------------------------------------------------------------------
t=$(now_ms)
if ! want coredns; then
	:
elif done_already coredns coredns; then
	cached coredns "$t"
else
	src="$K8S_TOOLS_SRC/coredns"
	grep -Eq "^[[:space:]]*(require[[:space:]]+)?github.com/coredns/coredns $COREDNS_VERSION([[:space:]]|\$)" "$src/go.mod" ||
		die "tools/k8s/coredns/go.mod does not require github.com/coredns/coredns $COREDNS_VERSION (versions.env); run: cd tools/k8s/coredns && go get github.com/coredns/coredns@$COREDNS_VERSION && go mod tidy"
	log "building CoreDNS $COREDNS_VERSION, trimmed (log: $LOGS/coredns.log)"
	run_logged coredns bash -c 'cd "$1" && go mod download && go mod verify && go build -mod=readonly -p "$2" -trimpath -ldflags "-s -w" -o "$3" .' \
		_ "$src" "$P" "$K8S_BIN/.coredns.tmp"
	mv -f "$K8S_BIN/.coredns.tmp" "$K8S_BIN/coredns"
	# Read whole, then cut: `coredns -version | head -n 1` under pipefail failed the script silently about
	# one time in three under load (head exits after line 1, CoreDNS's second write gets SIGPIPE: exit 141).
	v="$("$K8S_BIN/coredns" -version 2>/dev/null)" || die "coredns -version failed (exit $?)"
	v="${v%%$'\n'*}"
	[ "$v" = "CoreDNS-${COREDNS_VERSION#v}" ] || die "coredns -version says '$v', expected CoreDNS-${COREDNS_VERSION#v}"
	plugins="$("$K8S_BIN/coredns" -plugins)"
	for plugin in kubernetes forward health ready hosts rewrite loop reload cache; do
		grep -qE "^[[:space:]]*(dns\.)?$plugin\$" <<<"$plugins" || die "the trimmed CoreDNS lacks the $plugin plugin"
	done
	record coredns "$t" "$COREDNS_VERSION"
fi

# --- kine ----------------------------------------------------------------------------------------------
t=$(now_ms)
if ! want kine; then
	:
elif done_already kine kine; then
	cached kine "$t"
else
	log "go install github.com/k3s-io/kine@$KINE_VERSION (log: $LOGS/kine.log)"
	gobin="$K8S_DIR/.gobin-kine"
	rm -rf "$gobin" && mkdir -p "$gobin"
	# As kine's scripts/build: -X pkg/version.Version (GitCommit stays empty: no VCS origin).
	run_logged kine env GOBIN="$gobin" go install -p "$P" -trimpath \
		-ldflags "-s -w -X github.com/k3s-io/kine/pkg/version.Version=$KINE_VERSION" "github.com/k3s-io/kine@$KINE_VERSION"
	install_bin "$gobin/kine" kine
	rm -rf "$gobin"
	v="$("$K8S_BIN/kine" --version 2>&1)" || die "kine --version failed (exit $?)"
	v="${v%%$'\n'*}" # first line, read whole (no `| head`: SIGPIPE under pipefail, see CoreDNS above)
	[[ "$v" == *"$KINE_VERSION"* ]] || die "kine --version says '$v', expected $KINE_VERSION"
	record kine "$t" "$KINE_VERSION"
fi

# --- vcluster CLI, syncer and chart --------------------------------------------------------------------
t=$(now_ms)
if ! want vcluster; then
	:
elif done_already vcluster vcluster vcluster-syncer && [ -f "$K8S_DIR/vcluster-chart/Chart.yaml" ]; then
	cached vcluster "$t"
else
	src="$K8S_TOOLS_SRC/vcluster"
	grep -Eq "^[[:space:]]*(require[[:space:]]+)?github.com/loft-sh/vcluster $VCLUSTER_VERSION([[:space:]]|\$)" "$src/go.mod" ||
		die "tools/k8s/vcluster/go.mod does not require github.com/loft-sh/vcluster $VCLUSTER_VERSION (versions.env); run scripts/k8s/update-vcluster-module.sh"
	log "building the vcluster $VCLUSTER_VERSION CLI and syncer (log: $LOGS/vcluster.log)"
	# The -X flags of vcluster's .goreleaser.yaml (the telemetry key stays empty: telemetry is off).
	ld="-s -w -X main.version=${VCLUSTER_VERSION#v} -X github.com/loft-sh/vcluster/pkg/telemetry.SyncerVersion=${VCLUSTER_VERSION#v}"
	out="$K8S_DIR/.vcluster-build"
	rm -rf "$out" && mkdir -p "$out"
	run_logged vcluster bash -c 'cd "$1" && go mod download && go mod verify && go build -mod=readonly -p "$2" -trimpath -ldflags "$3" -o "$4/" github.com/loft-sh/vcluster/cmd/vcluster github.com/loft-sh/vcluster/cmd/vclusterctl' \
		_ "$src" "$P" "$ld" "$out"
	install_bin "$out/vclusterctl" vcluster
	install_bin "$out/vcluster" vcluster-syncer
	rm -rf "$out"
	dir="$(cd "$src" && go list -mod=readonly -m -f '{{.Dir}}' github.com/loft-sh/vcluster)"
	[ -f "$dir/chart/Chart.yaml" ] || die "no chart/ in the vcluster module ($dir)"
	rm -rf "$K8S_DIR/.vcluster-chart" && cp -r "$dir/chart" "$K8S_DIR/.vcluster-chart"
	chmod -R u+w "$K8S_DIR/.vcluster-chart"
	rm -rf "$K8S_DIR/vcluster-chart" && mv "$K8S_DIR/.vcluster-chart" "$K8S_DIR/vcluster-chart"
	v="$(VCLUSTER_SKIP_VERSION_CHECK=true HOME="$K8S_DIR" "$K8S_BIN/vcluster" --version 2>/dev/null | awk '{print $NF}')"
	rm -rf "$K8S_DIR/.vcluster"
	[ "$v" = "${VCLUSTER_VERSION#v}" ] || die "vcluster --version says '$v', expected ${VCLUSTER_VERSION#v}"
	record vcluster "$t" "$VCLUSTER_VERSION"
fi

# --- CNI plugins, catatonit, nft: Debian packages of this machine's suite --------------------------------
t=$(now_ms)
if ! want node-debs; then
	:
elif done_already node-debs catatonit nft cni/bridge cni/host-local cni/loopback cni/firewall; then
	cached node-debs "$t"
else
	suite="$(os_codename)"
	[ -n "$suite" ] || die "cannot read this machine's Debian codename from /etc/os-release"
	debs="$K8S_CACHE/debs/$suite"
	pkgs=(containernetworking-plugins catatonit nftables libnftables1)
	apt_download "$suite" "$debs" "${pkgs[@]}"
	x="$K8S_DIR/.node-debs"
	rm -rf "$x" && mkdir -p "$x"
	versions=()
	for p in "${pkgs[@]}"; do
		deb="$(compgen -G "$debs/${p}_*.deb" | sort -V | tail -n 1)"
		dpkg-deb -x "$deb" "$x"
		versions+=("$p $(dpkg-deb -f "$deb" Version)")
	done
	mkdir -p "$K8S_BIN/cni" "$K8S_DIR/nft/lib"
	for f in "$x"/usr/lib/cni/*; do install -m 0755 "$f" "$K8S_BIN/cni/$(basename "$f")"; done
	install_bin "$x/usr/bin/catatonit" catatonit
	install -m 0755 "$x/usr/sbin/nft" "$K8S_DIR/nft/nft"
	cp -a "$x"/usr/lib/*-linux-gnu/libnftables.so.1* "$K8S_DIR/nft/lib/"
	# nft needs its library (libnftables1 is not installed): a wrapper with LD_LIBRARY_PATH.
	printf '#!/bin/sh\nLD_LIBRARY_PATH=%q exec %q "$@"\n' "$K8S_DIR/nft/lib" "$K8S_DIR/nft/nft" >"$K8S_BIN/.nft.tmp"
	chmod 0755 "$K8S_BIN/.nft.tmp" && mv -f "$K8S_BIN/.nft.tmp" "$K8S_BIN/nft"
	rm -rf "$x"
	"$K8S_BIN/nft" --version >/dev/null 2>"$LOGS/nft.log" ||
		die "the extracted nft does not run: $(head -n 3 "$LOGS/nft.log") (libraries it needs: libmnl0 libnftnl11 libjansson4 libgmp10 libxtables12 libedit2)"
	"$K8S_BIN/cni/bridge" </dev/null 2>&1 | grep -q "CNI bridge plugin" || die "the CNI bridge plugin from containernetworking-plugins does not run"
	record node-debs "$t" "$(IFS=','; printf '%s' "${versions[*]}")"
fi

if [ -n "${BUILD_SUMMARY_FILE:-}" ]; then
	printf '%s\n' "${SUMMARY[@]}" >>"$BUILD_SUMMARY_FILE"
	[ -z "$BUILT_ANY" ] || printf 'BUILT_ANY\n' >>"$BUILD_SUMMARY_FILE"
else
	printf '[k8s]   %s\n' "${SUMMARY[@]}" >&2
fi
