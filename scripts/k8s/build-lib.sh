# shellcheck shell=bash
# Bookkeeping shared by scripts/k8s/build-tools.sh and build-node-tools.sh: stamps, timings, logs,
# atomic installs, module metadata and .deb downloads. Source it after lib.sh, with K8S_DIR, K8S_BIN,
# LOGS and SUMMARY set (k8s_paths).

# A command that fails outside a `die` (set -e) says where, instead of ending a build silently: a cold
# build once stopped with no message when `coredns -version | head -n 1` got SIGPIPE under pipefail.
set -E
trap 'rc=$?; printf "[k8s] ERROR: %s line %s: a command failed (exit %s)\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$rc" >&2' ERR

done_already() { # done_already <component> <bin>... : stamp present and binaries executable
	local c="$1" b
	shift
	[ -f "$K8S_DIR/stamps/$c" ] || return 1
	for b in "$@"; do [ -x "$K8S_BIN/$b" ] || return 1; done
}
record() { # record <component> <start_ms> <version>
	local s
	s="$(secs "$2" "$(now_ms)")"
	printf 'version=%s\ncold_seconds=%s\nbuilt=%s\n' "$3" "$s" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$K8S_DIR/stamps/$1"
	SUMMARY+=("$(printf '%-24s %-10s %8ss  %s' "$1" cold "$s" "$3")")
	BUILT_ANY=1
	log "$1 $3 ready in ${s}s"
}
cached() { # cached <component> <start_ms>
	local v cs
	v="$(sed -n 's/^version=//p' "$K8S_DIR/stamps/$1")"
	cs="$(sed -n 's/^cold_seconds=//p' "$K8S_DIR/stamps/$1")"
	SUMMARY+=("$(printf '%-24s %-10s %8ss  %s (cold build took %ss)' "$1" cached "$(secs "$2" "$(now_ms)")" "$v" "$cs")")
}
run_logged() { # run_logged <log name> <command...>: output to $LOGS/<name>.log, tail on failure
	local f="$LOGS/$1.log"
	shift
	if ! "$@" >"$f" 2>&1; then
		tail -n 30 "$f" >&2
		die "failed: $* (full log: $f)"
	fi
}
install_bin() { # install_bin <src> <name>: atomic copy into bin/
	install -m 0755 "$1" "$K8S_BIN/.$2.tmp"
	mv -f "$K8S_BIN/.$2.tmp" "$K8S_BIN/$2"
}
# mod_info <module@version> <field>: a field (Dir, GoMod, Info) of `go mod download -json` (run outside
# any module, so no go.mod/go.sum is touched)
mod_info() {
	local json
	json="$(cd "$K8S_CACHE" && go mod download -json "$1")" || die "go mod download $1 failed (is the Go module proxy reachable?)"
	printf '%s\n' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}
# The commit/tag time the proxy records for a module version (reproducible build date).
mod_time() { sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$(mod_info "$1" Info)"; }

# apt_download <suite> <dest dir> <package>...: makes sure <dest dir>/<package>_*.deb exists for each
# package (the package alone, no dependencies), downloaded from the machine's own Debian mirror for
# <suite> with a private apt configuration, state and cache: the system's apt state is not touched and
# nothing is installed. One download at a time per cache (the .debs and apt state are shared by all
# version keys).
apt_download() {
	local suite="$1" dest="$2" keyring=/usr/share/keyrings/debian-archive-keyring.gpg A uri p missing=()
	shift 2
	mkdir -p "$dest"
	exec 6>"$K8S_CACHE/.apt.lock"
	flock 6
	for p in "$@"; do compgen -G "$dest/${p}_*.deb" >/dev/null || missing+=("$p"); done
	if [ "${#missing[@]}" -eq 0 ]; then
		exec 6>&-
		return 0
	fi
	is_debian && command -v dpkg-deb >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
		die "${missing[*]}: not a Debian machine (no apt-get/dpkg-deb)"
	uri="$(debian_uri "$suite" || debian_uri bookworm || debian_uri)" ||
		die "cannot find the Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
	[ -r "$keyring" ] || die "missing $keyring (package debian-archive-keyring)"
	A="$K8S_CACHE/apt-$suite"
	mkdir -p "$A/etc/sources.list.d" "$A/etc/preferences.d" "$A/state/lists/partial" "$A/cache/archives/partial"
	: >"$A/state/status"
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' "$uri" "$suite" "$keyring" >"$A/etc/sources.list.d/$suite.sources"
	local APT=(apt-get -q
		-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$A/etc/sources.list.d"
		-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$A/etc/preferences.d"
		-o "Dir::State=$A/state" -o "Dir::State::Lists=$A/state/lists" -o "Dir::State::status=$A/state/status"
		-o "Dir::Cache=$A/cache" -o "Dir::Cache::archives=$A/cache/archives"
		-o "APT::Sandbox::User=$(id -un)" -o "Acquire::Languages=none")
	log "fetching $suite's package lists into a private apt state ($A)"
	run_logged "apt-$suite-update" "${APT[@]}" update
	log "downloading ${missing[*]} from $suite"
	run_logged "apt-$suite-download" bash -c 'cd "$1" && shift && "$@"' _ "$dest" "${APT[@]}" download "${missing[@]}"
	rm -rf "$A/state/lists" # ~100 MB of package lists, not needed any more
	for p in "${missing[@]}"; do compgen -G "$dest/${p}_*.deb" >/dev/null || die "apt-get download $p left no .deb in $dest"; done
	exec 6>&-
}
