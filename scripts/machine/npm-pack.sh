# shellcheck shell=bash
# npm_pack_cached <spec> <file prefix>: prints the path of a cached npm tarball .cache/npm/<prefix>*.tgz
# (highest version), fetching it with `npm pack` from npm's configured registry when none is cached.
# Source after lib.sh.
npm_pack_cached() {
	local spec="$1" prefix="$2" dir="$CACHE/npm" f
	mkdir -p "$dir"
	f="$(compgen -G "$dir/$prefix*.tgz" | sort -V | tail -n 1 || true)"
	if [ -z "$f" ]; then
		log "npm pack $spec (into .cache/npm)"
		# From the cache dir so that the project's package.json plays no part.
		f="$(cd "$dir" && npm pack "$spec" --silent --pack-destination "$dir" 2>"$dir/npm-pack.log" | tail -n 1)" ||
			{ tail -n 20 "$dir/npm-pack.log" >&2; die "npm pack $spec failed"; }
		f="$dir/$f"
		[ -s "$f" ] || die "npm pack $spec did not produce a tarball"
	fi
	printf '%s\n' "$f"
}
