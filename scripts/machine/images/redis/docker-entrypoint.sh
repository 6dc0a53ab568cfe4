#!/usr/bin/env bash
# Entrypoint of the redis stand-in image, after the official image's documented behaviour
# (https://hub.docker.com/_/redis): options or a *.conf first run redis-server with them; redis-server
# runs as the redis user; any other command (e.g. `redis-cli -h db ping`) is simply executed.
# The official image builds Redis with protected mode off; this one passes `--protected-mode no`
# instead (and `--save ""`: no persistence by default), before the caller's options so that those win,
# and not when the caller's config file sets them.
set -eo pipefail

# first arg is `-f` or `--some-option`, or ends with .conf
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
	find . \! -user redis -exec chown redis '{}' + 2>/dev/null || :
	exec setpriv --reuid=redis --regid=redis --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [ "$1" = redis-server ]; then
	case "${2:-}" in
	-v | --version | -h | --help | --test-memory | --check-system) exec "$@" ;;
	esac
	shift
	args=()
	conf=""
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		conf="$1"
		args+=("$conf")
		shift
	fi
	conf_sets() { [ -n "$conf" ] && [ -r "$conf" ] && grep -qiE "^[[:space:]]*$1([[:space:]]|\$)" "$conf"; }
	conf_sets protected-mode || args+=(--protected-mode no)
	conf_sets save || conf_sets appendonly || args+=(--save "")
	set -- redis-server "${args[@]}" "$@"
	# files created by redis are readable by the redis user only, as in the official image
	um="$(umask)"
	if [ "$um" = 0022 ]; then umask 0077; fi
fi

exec "$@"
