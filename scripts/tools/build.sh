#!/usr/bin/env bash
# Builds a pinned Go-module tool once into the project's tools cache OUTSIDE the repository (it survives
# fresh clones on the same machine) and prints the binary's path on stdout:
#
#   ${EPHEMERAL_TOOLS_CACHE:-$HOME/.cache/ephemeral/tools}/<tool>/<version>-<key>/bin/<tool>
#
# Tools and pins: tools/go-tools/versions.env
#   act          go install github.com/nektos/act@ACT_VERSION                 (main.version stamped)
#   actionlint   go install github.com/rhysd/actionlint/cmd/actionlint@ACTIONLINT_VERSION
#   registry     go install github.com/distribution/distribution/v3/cmd/registry@REGISTRY_VERSION
#
# <key> is a hash of the pin, this recipe and the Go release, so a new pin or Go gets a new directory.
# A warm call only checks that the binary is there (milliseconds). Builds are flock-guarded per tool
# (several checkouts or test runs may start together); Go's caches live in .../<tool>/go/.
# Go comes from the machine (GOPROXY, GOSUMDB, GOTOOLCHAIN too); nothing is written outside the cache.
#
# Usage: scripts/tools/build.sh act|actionlint|registry
# Timings (cold build or cached) go to stderr.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../tools/go-tools/versions.env
source "$REPO/tools/go-tools/versions.env"

# Bump when a change below (flags, ldflags, layout) must rebuild cached binaries.
RECIPE=1

log() { printf '[tools] %s\n' "$*" >&2; }
die() {
	printf '[tools] ERROR: %s\n' "$*" >&2
	exit 1
}

tool="${1:-}"
case "$tool" in
act)
	version="$ACT_VERSION"
	pkg="github.com/nektos/act@$version"
	ldflags="-s -w -X main.version=${version#v}"
	;;
actionlint)
	version="$ACTIONLINT_VERSION"
	pkg="github.com/rhysd/actionlint/cmd/actionlint@$version"
	ldflags="-s -w -X github.com/rhysd/actionlint.version=$version"
	;;
registry)
	version="$REGISTRY_VERSION"
	pkg="github.com/distribution/distribution/v3/cmd/registry@$version"
	ldflags="-s -w"
	;;
*) die "usage: $0 act|actionlint|registry" ;;
esac

command -v go >/dev/null 2>&1 || die "no 'go' on PATH: $tool is built from its Go module ($pkg); install Go >= 1.24"
cache="${EPHEMERAL_TOOLS_CACHE:-$HOME/.cache/ephemeral/tools}/$tool"
gover="$(GOFLAGS= go env GOVERSION GOOS GOARCH | tr '\n' ' ')"
key="$(printf 'recipe %s\n%s\n%s\n%s\n' "$RECIPE" "$pkg" "$ldflags" "$gover" | sha256sum | cut -c1-12)"
bin="$cache/$version-$key/bin/$tool"

if [ ! -x "$bin" ]; then
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	if ! flock -n 9; then
		log "another build of $tool is running on this cache; waiting for it"
		flock 9
	fi
	if [ ! -x "$bin" ]; then
		start=$(date +%s%N)
		log "building $tool $version (go install $pkg; about 2 minutes cold on 2 cores)"
		tmp="$cache/$version-$key/bin.tmp.$$"
		rm -rf "$tmp"
		mkdir -p "$tmp"
		# CGO off and -trimpath: a static, reproducible binary. -modcacherw: the module cache can be deleted.
		if ! GOBIN="$tmp" GOCACHE="$cache/go/build" GOMODCACHE="$cache/go/mod" GOWORK=off CGO_ENABLED=0 \
			GOFLAGS="-modcacherw -buildvcs=false" go install -trimpath -ldflags "$ldflags" "$pkg" >"$cache/build.log" 2>&1; then
			rm -rf "$tmp"
			tail -n 30 "$cache/build.log" >&2
			die "building $tool $version failed (log: $cache/build.log)"
		fi
		rm -rf "$(dirname "$bin")"
		mv "$tmp" "$(dirname "$bin")"
		log "$tool $version built in $(((($(date +%s%N) - start) / 1000000 + 500) / 1000)) s"
	fi
	flock -u 9
else
	log "$tool $version cached"
fi
printf '%s\n' "$bin"
