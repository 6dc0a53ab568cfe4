#!/usr/bin/env bash
# Makes sure a Docker engine answers.
#   * An engine already answers (a laptop, a CI runner): nothing is touched.
#   * No engine, root on Debian (the project's machines): install bookworm's docker.io (engine
#     20.10 with containerd and runc) and start dockerd in the background. There is no init system
#     on these machines, so the package cannot start its own service.
#   * Otherwise: fail and say how to fix it.
# The engine is left running: other test runs use it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if docker_up; then
	log "docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')); nothing to do"
	exit 0
fi
if ! is_root || ! is_debian; then
	die "no Docker engine answers (docker info failed). Start Docker (Docker Desktop, or 'sudo systemctl start docker'), or install it: https://docs.docker.com/engine/install/. This script only installs and starts an engine itself as root on Debian."
fi

machine_lock
docker_up && { log "docker engine answers (started meanwhile)"; exit 0; }

if ! command -v dockerd >/dev/null 2>&1; then
	t0=$(now_ms)
	apt_install docker.io
	log "docker.io installed in $(elapsed "$t0")"
fi

LOG="$CACHE/dockerd.log"
if pgrep -x dockerd >/dev/null 2>&1; then
	log "a dockerd process exists but does not answer yet; waiting for it"
else
	log "starting dockerd in the background (log: ${LOG#"$REPO"/})"
	# setsid + nohup: dockerd outlives this script and its terminal. fd 9 (the set-up lock) is closed
	# so that dockerd does not hold the lock forever.
	printf '\n==== %s dockerd start\n' "$(date -Is)" >>"$LOG"
	setsid nohup dockerd >>"$LOG" 2>&1 </dev/null 9>&- &
	disown || true
fi

t0=$(now_ms)
for _ in $(seq 1 120); do
	if docker_up; then
		log "docker engine $(docker version --format '{{.Server.Version}}') answers after $(elapsed "$t0")"
		exit 0
	fi
	if ! pgrep -x dockerd >/dev/null 2>&1; then
		sleep 0.5
		docker_up && exit 0
		printf '[machine] dockerd exited; last lines of %s:\n' "$LOG" >&2
		tail -n 25 "$LOG" >&2 || true
		die "dockerd did not start"
	fi
	sleep 0.5
done
printf '[machine] last lines of %s:\n' "$LOG" >&2
tail -n 25 "$LOG" >&2 || true
die "docker engine did not answer within 60 s"
