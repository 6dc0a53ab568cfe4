# shellcheck shell=bash
# Shared helpers for scripts/machine/*.sh. Source it; do not execute it.
#
# Rules these scripts keep (see /work/shared/design/TEST-INFRA.md):
#   * no registry or mirror host name is ever written in this repository: the Debian mirror is read
#     at run time from the machine's own apt sources, the npm registry from `npm config get registry`;
#   * nothing system-wide changes when the machine already has what is needed;
#   * everything downloaded or built lives under "$REPO/.cache" (gitignored).

# Bump when a change to the scripts must invalidate cached stand-in images.
MACHINE_SCRIPTS_VERSION=1

MACHINE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$MACHINE_DIR/../.." && pwd)"
CACHE="$REPO/.cache"
TOOLS="$CACHE/tools"
mkdir -p "$CACHE" "$TOOLS"

log() { printf '[machine] %s\n' "$*" >&2; }
die() {
	printf '[machine] ERROR: %s\n' "$*" >&2
	exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }
is_debian() { [ -r /etc/debian_version ] && grep -qsE '^ID=debian$' /etc/os-release; }
os_codename() { (. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}"); }

now_ms() { # GNU date has %N; elsewhere, whole seconds
	local t
	t="$(date +%s%3N)"
	[[ "$t" =~ ^[0-9]+$ ]] || t="$(date +%s)000"
	printf '%s' "$t"
}
elapsed() { # elapsed <start_ms> -> "1.2s"
	local d=$(($(now_ms) - $1))
	printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100))
}

# One set-up at a time per checkout (several test runs may start together). The lock is taken once
# per process tree: children see MACHINE_LOCK_HELD and do not try again. Long-lived children (dockerd)
# must be started with fd 9 closed, or they would keep the lock.
machine_lock() {
	[ -n "${MACHINE_LOCK_HELD:-}" ] && return 0
	command -v flock >/dev/null 2>&1 || return 0 # (macOS has no flock)
	exec 9>"$CACHE/machine.lock"
	if ! flock -n 9; then
		log "another set-up is running in this checkout; waiting for it"
		flock 9
	fi
	export MACHINE_LOCK_HELD=1
}

docker_up() { docker info >/dev/null 2>&1; }

# The machine's Debian mirror, read from its apt sources (deb822 first, then one-line format).
# Prints the first URI of the entry whose Suites include the given suite (default: the machine's
# codename), e.g. the main archive rather than the security one.
debian_uri() {
	local suite="${1:-$(os_codename)}" f uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri="$(awk -v suite="$suite" '
			function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") { split(uris, u, " "); print u[1]; found = 1; exit } types = suites = uris = "" }
			/^[[:space:]]*$/ { flush(); next }
			/^[[:space:]]*#/ { next }
			tolower($1) == "types:"  { $1 = ""; types = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			tolower($1) == "uris:"   { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
			END { if (!found) flush() }
		' "$f")"
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ]; then
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			uri="$(awk -v suite="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } }' "$f")"
			[ -n "$uri" ] && break
		done
	fi
	[ -n "$uri" ] || return 1
	printf '%s\n' "${uri%/}"
}

# Runs apt-get as root with a non-interactive front end; runs `apt-get update` first when the package
# has no install candidate (fresh machine, empty lists).
apt_install() {
	is_root && is_debian || die "installing $* needs root on Debian"
	local p need_update=""
	for p in "$@"; do
		# (no `| grep -q` under pipefail: an early exit of grep would fail the pipe)
		[[ "$(apt-cache policy "$p" 2>/dev/null)" =~ Candidate:\ [^\(] ]] || need_update=1
	done
	local out="$CACHE/apt.log"
	if [ -n "$need_update" ]; then
		log "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update >"$out" 2>&1 || { tail -n 20 "$out" >&2; die "apt-get update failed"; }
	fi
	log "apt-get install $* (recommended packages left out)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$out" 2>&1 ||
		{ tail -n 20 "$out" >&2; die "apt-get install $* failed"; }
}
