# shellcheck shell=bash
# The Kubernetes test cluster's set-up (scripts/k8s/setup.sh) in the background, so that scripts/test.sh
# runs the work that needs no cluster meanwhile. The set-up runs in its own process group (stopped as a
# whole); its stdout (the exports) goes to a file, its stderr to a log file and to the terminal with
# every line prefixed "[k8s set-up] ".
#
#   k8s_bg_start <env file> <log file>   start scripts/k8s/setup.sh
#   k8s_bg_wait                          wait for it; returns its exit status; sets K8S_BG_START_MS and
#                                        K8S_BG_END_MS (ms since the epoch, timing_now) when it finished
#                                        (unset when it was killed before it could say)
#   k8s_bg_stop                          stop it if it still runs: TERM to its group, KILL after 10 s
#
# The daemons it leaves running on purpose (the control plane, the real node's processes, its lock holder)
# run in their own sessions: stopping the set-up does not stop them; scripts/k8s/cluster.sh down does.

K8S_BG_PID=""
K8S_BG_DIR=""

k8s_bg_start() {
	local env_file="$1" log_file="$2"
	K8S_BG_DIR="$(mktemp -d)"
	: >"$log_file"
	# Job control on for the launch only: the job gets its own process group (pgid = its pid).
	set -m
	(
		set +m
		t0=$(timing_now)
		rc=0
		bash scripts/k8s/setup.sh </dev/null >"$env_file" 2> >(tee -a "$log_file" | sed -u 's/^/[k8s set-up] /' >&2) || rc=$?
		printf '%s %s %s\n' "$t0" "$(timing_now)" "$rc" >"$K8S_BG_DIR/done"
		exit "$rc"
	) &
	K8S_BG_PID=$!
	set +m
}

k8s_bg_wait() {
	[ -n "$K8S_BG_PID" ] || return 1
	local rc=0
	wait "$K8S_BG_PID" || rc=$?
	# Its log's tee and sed end with it: give them up to 5 s to write the last lines (bounded: a daemon
	# that kept the pipe open is never waited for).
	for _ in $(seq 1 20); do
		k8s_bg_running || break
		sleep 0.25
	done
	K8S_BG_PID=""
	if [ -f "$K8S_BG_DIR/done" ]; then
		# shellcheck disable=SC2034 # (read by the caller)
		read -r K8S_BG_START_MS K8S_BG_END_MS rc <"$K8S_BG_DIR/done"
	fi
	rm -rf "$K8S_BG_DIR"
	return "$rc"
}

# k8s_bg_running: a live (not zombie) process is left in the set-up's process group (from /proc: the
# fields after the command name are state, ppid, pgrp).
k8s_bg_running() {
	local f line fields
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		read -ra fields <<<"${line##*) }"
		[ "${fields[2]}" = "$K8S_BG_PID" ] && [ "${fields[0]}" != Z ] && return 0
	done
	return 1
}

k8s_bg_stop() {
	[ -n "$K8S_BG_PID" ] || return 0
	if k8s_bg_running; then
		echo "[test] stopping the k8s set-up (process group $K8S_BG_PID)" >&2
		kill -TERM -- "-$K8S_BG_PID" 2>/dev/null || true
		for _ in $(seq 1 40); do
			k8s_bg_running || break
			sleep 0.25
		done
		! k8s_bg_running || kill -KILL -- "-$K8S_BG_PID" 2>/dev/null || true
	fi
	wait "$K8S_BG_PID" 2>/dev/null || true
	K8S_BG_PID=""
	rm -rf "$K8S_BG_DIR"
}
