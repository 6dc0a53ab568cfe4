#!/usr/bin/env bash
# Makes sure `docker compose` is Compose v2 and `docker buildx` works.
#   * Both already there (a laptop, a CI runner): nothing is touched.
#   * Otherwise (the project's machines: bookworm only ships Compose v1): download trixie's
#     docker-compose and docker-buildx .debs with apt, using a private sources list, state and cache
#     under .cache/apt-trixie (the system's apt state is not touched), extract them with dpkg-deb -x
#     into .cache/tools/, and copy the CLI plugins into ~/.docker/cli-plugins/ (user level).
# Why buildx: with the buildx plugin present, `docker build` and `docker compose build` use BuildKit;
# without it the Docker CLI 28 falls back to the deprecated legacy builder and DOCKER_BUILDKIT=1 fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PLUGINS="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
DEBS="$CACHE/debs"

compose_v2() { [[ "$(docker compose version --short 2>/dev/null)" =~ ^v?2\. ]]; }
buildx_ok() { docker buildx version >/dev/null 2>&1; }

if compose_v2 && buildx_ok; then
	log "docker compose $(docker compose version --short) and buildx $(docker buildx version | awk '{print $2}') present; nothing to do"
	exit 0
fi

command -v docker >/dev/null 2>&1 || die "no docker CLI on PATH; run scripts/machine/ensure-docker.sh first"
if ! is_debian || ! command -v dpkg-deb >/dev/null 2>&1; then
	if compose_v2; then
		log "WARNING: docker buildx is missing: 'docker build' falls back to the legacy builder; install the buildx plugin (https://github.com/docker/buildx#installing)"
		exit 0
	fi
	die "docker compose is not Compose v2 and this is not Debian: install the Docker Compose plugin (https://docs.docker.com/compose/install/)"
fi

machine_lock

want=()
compose_v2 || want+=(docker-compose)
buildx_ok || want+=(docker-buildx)

# Download the wanted .debs, unless cached.
missing=()
for p in "${want[@]}"; do
	compgen -G "$DEBS/${p}_*.deb" >/dev/null || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	uri="$(debian_uri bookworm || debian_uri)" || die "cannot find the Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -r "$keyring" ] || die "missing $keyring (package debian-archive-keyring)"
	A="$CACHE/apt-trixie"
	mkdir -p "$A/etc/sources.list.d" "$A/etc/preferences.d" "$A/etc/apt.conf.d" "$A/state/lists/partial" "$A/cache/archives/partial" "$DEBS"
	: >"$A/state/status"
	printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' "$uri" "$keyring" >"$A/etc/sources.list.d/trixie.sources"
	APT=(apt-get -q
		-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$A/etc/sources.list.d"
		-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$A/etc/preferences.d"
		-o "Dir::State=$A/state" -o "Dir::State::Lists=$A/state/lists" -o "Dir::State::status=$A/state/status"
		-o "Dir::Cache=$A/cache" -o "Dir::Cache::archives=$A/cache/archives"
		-o "APT::Sandbox::User=$(id -un)")
	t0=$(now_ms)
	log "fetching trixie's package lists into a private apt state (.cache/apt-trixie)"
	"${APT[@]}" update >"$A/update.log" 2>&1 || { tail -n 20 "$A/update.log" >&2; die "private apt-get update (trixie) failed"; }
	log "downloading ${missing[*]} from trixie"
	(cd "$DEBS" && "${APT[@]}" download "${missing[@]}" >"$A/download.log" 2>&1) ||
		{ tail -n 20 "$A/download.log" >&2; die "apt-get download ${missing[*]} failed"; }
	log "downloaded in $(elapsed "$t0")"
fi

# Extract and install the plugin binaries.
mkdir -p "$PLUGINS"
for p in "${want[@]}"; do
	deb="$(compgen -G "$DEBS/${p}_*.deb" | sort -V | tail -n 1)"
	ver="$(dpkg-deb -f "$deb" Version)"
	dest="$TOOLS/$p-$ver"
	if [ ! -d "$dest/usr/libexec/docker/cli-plugins" ]; then
		rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
		dpkg-deb -x "$deb" "$dest.tmp"
		rm -rf "$dest" && mv "$dest.tmp" "$dest"
	fi
	bin="$dest/usr/libexec/docker/cli-plugins/$p"
	[ -x "$bin" ] || die "$deb has no $p CLI plugin at /usr/libexec/docker/cli-plugins/"
	install -m 0755 "$bin" "$PLUGINS/$p.tmp" && mv -f "$PLUGINS/$p.tmp" "$PLUGINS/$p"
	log "installed $p $ver into ${PLUGINS/#"$HOME"/\~}"
done

compose_v2 || die "docker compose version does not report v2 after installing the plugin ($(docker compose version 2>&1 | head -n 1))"
buildx_ok || die "docker buildx version fails after installing the plugin ($(docker buildx version 2>&1 | head -n 1))"
log "docker compose $(docker compose version --short), buildx $(docker buildx version | awk '{print $2}')"
