#!/bin/sh
# Entrypoint of the node stand-in image, as the official one: when the first argument is an option, not
# a command, or a non-executable file (e.g. `docker run node:20-slim app.js`), run it with node.
set -e

if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
	set -- node "$@"
fi

exec "$@"
