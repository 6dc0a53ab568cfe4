#!/usr/bin/env bash
# A real Kubernetes control plane for the tests: kwokctl's binary runtime runs etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and the kwok controller as plain local processes (no
# containers, no downloads: every binary path is passed explicitly, from the cache build-tools.sh
# fills). One fake kwok node; kwok marks pods scheduled to it Running/Ready.
#
# With --real-node (or EPHEMERAL_K8S_REAL_NODE=1), a real node joins beside the kwok node: a kubelet
# with a private containerd, CNI, kube-proxy and CoreDNS (scripts/k8s/node.sh), so pods really run.
# Only one real node runs per host: `up` waits for the host lock (bounded, with a message naming the
# cluster that holds it).
#
# Usage: scripts/k8s/cluster.sh up [--real-node] [NAME] | down|env|status [NAME]   (NAME default: ephemeral)
#   up      create the cluster (or keep a healthy one), wait until it is ready, then print
#           `export KUBECONFIG=...`, a PATH line putting the tools' bin/ first, and EPHEMERAL_K8S_*
#           variables on stdout:   eval "$(scripts/k8s/cluster.sh up)"
#   down    delete it; idempotent. Afterwards no process, listening port or directory of it is left
#           (checked; stray processes of this cluster are killed by pid). With a real node, the host
#           is compared with how the node found it, and down fails listing every difference.
#   env     print the same exports as `up` (warns on stderr when the cluster is not running)
#   status  exit 0 when the cluster answers and its node is Ready
#
# Paths (see scripts/k8s/lib.sh): kubeconfig $EPHEMERAL_K8S_STATE/<NAME>.kubeconfig, kwokctl work dir
# $EPHEMERAL_K8S_STATE/kwok (EPHEMERAL_K8S_STATE default ~/.local/state/ephemeral/k8s). The user's
# ~/.kube/config is never read or written.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CMD="${1:-}"
shift || true
REAL="${EPHEMERAL_K8S_REAL_NODE:-}"
[ "$REAL" != 0 ] || REAL=""
if [ "${1:-}" = --real-node ]; then REAL=1 && shift; fi
NAME="${1:-${EPHEMERAL_K8S_CLUSTER:-ephemeral}}"
case "$CMD" in up | down | env | status) ;; *) die "usage: $0 up [--real-node] [NAME] | down|env|status [NAME]" ;; esac
k8s_cluster_paths "$NAME"
if [ "$CMD" = down ] && ! command -v go >/dev/null 2>&1; then
	# (the version key needs Go; without it, down still cleans up: by pid, without kwokctl)
	K8S_BIN=/nonexistent
else
	k8s_paths
fi

# kwokctl and the checks below find our kubectl first; kwokctl would download any binary it is not
# given, so every prefix it could fall back to points at the local bin/ as well.
export PATH="$K8S_BIN:$PATH"
export KWOK_RUNTIME=binary
export KWOK_KUBECTL_BINARY="$K8S_BIN/kubectl"
export KWOK_KUBE_BINARY_PREFIX="$K8S_BIN" KWOK_BINARY_PREFIX="$K8S_BIN" KWOK_ETCD_BINARY_PREFIX="$K8S_BIN"
export KUBECACHEDIR="$K8S_STATE/kube-cache"
kc() { "$K8S_BIN/kubectl" --kubeconfig "$K8S_KUBECONFIG" "$@"; }

print_env() {
	printf 'export KUBECONFIG=%q\n' "$K8S_KUBECONFIG"
	printf 'export PATH=%q:"$PATH"\n' "$K8S_BIN"
	printf 'export EPHEMERAL_K8S_CLUSTER=%q\n' "$K8S_NAME"
	printf 'export EPHEMERAL_K8S_BIN=%q\n' "$K8S_BIN"
	printf 'export EPHEMERAL_HELM3=%q\n' "$K8S_BIN/helm3"
	printf 'export EPHEMERAL_HELM4=%q\n' "$K8S_BIN/helm4"
	# kubectl's discovery cache in the state dir (removed by the last down), not ~/.kube/cache
	printf 'export KUBECACHEDIR=%q\n' "$KUBECACHEDIR"
	if node_is_ours; then
		# The real node and vcluster (docs/k8s-test-cluster.md, "Real node" and "vcluster").
		printf 'export EPHEMERAL_K8S_REAL_NODE_NAME=%q\n' "$NODE_NAME"
		printf 'export EPHEMERAL_K8S_REAL_NODE_LABEL=%q\n' "$NODE_LABEL"
		printf 'export EPHEMERAL_K8S_REAL_NODE_TAINT=%q\n' "$NODE_TAINT_KEY"
		printf 'export EPHEMERAL_K8S_REAL_NODE_IP=%q\n' "$NODE_IP"
		printf 'export EPHEMERAL_K8S_REAL_NODE_BASELINE=%q\n' "$NODE_STATE/host-baseline"
		printf 'export EPHEMERAL_K8S_REAL_NODE_CONTAINERD=%q\n' "$NODE_STATE/containerd/containerd.sock"
		printf 'export EPHEMERAL_K8S_HOST_STATE=%q\n' "$K8S_SCRIPTS/host-state.sh"
		bash "$K8S_SCRIPTS/vcluster.sh" env
	fi
}

# The host's real node belongs to this cluster (its lock holder is alive and names it).
node_is_ours() {
	[ "$(sed -n 's/^cluster=//p' "$NODE_LOCK" 2>/dev/null | head -n 1)" = "$K8S_NAME" ] &&
		[ "$(sed -n 's/^state=//p' "$NODE_LOCK" 2>/dev/null | head -n 1)" = "$K8S_STATE" ] &&
		pid_alive "$(sed -n 's/^holder=//p' "$NODE_LOCK" 2>/dev/null | head -n 1)"
}

healthy() {
	[ -f "$K8S_KUBECONFIG" ] && [ -d "$K8S_CLUSTER_DIR" ] || return 1
	[ -z "$(k8s_dead_components)" ] || return 1
	[ "$(kc get --raw /readyz --request-timeout=5s 2>/dev/null)" = ok ] || return 1
	[ -n "$(kc get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' --request-timeout=5s 2>/dev/null | grep -x True)" ]
}

# pids of this cluster's components: kwokctl starts each with its working directory in the cluster's
# directory and with paths into it on the command line; both must hold.
cluster_pids() {
	local p cwd
	for p in /proc/[0-9]*; do
		cwd="$(readlink "$p/cwd" 2>/dev/null)" || continue
		case "$cwd" in "$K8S_CLUSTER_DIR" | "$K8S_CLUSTER_DIR "* | "$K8S_CLUSTER_DIR/"*) ;; *) continue ;; esac
		if tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qF -- "$K8S_CLUSTER_DIR/"; then
			printf '%s\n' "${p#/proc/}"
		fi
	done
}
# Listening TCP ports of the given pids.
pids_ports() {
	[ "$#" -gt 0 ] && command -v ss >/dev/null 2>&1 || return 0
	local re
	re="$(printf 'pid=%s,|' "$@")"
	ss -ltnpH 2>/dev/null | grep -E "${re%|}" | awk '{ n = split($4, a, ":"); print a[n] }' | sort -un
}

down() {
	if [ -d "$NODE_STATE" ]; then
		bash "$K8S_SCRIPTS/node.sh" down "$K8S_NAME" 7>&- || NODE_DOWN_FAILED=1
	fi
	down_kwok
	[ -z "${NODE_DOWN_FAILED:-}" ] || die "the real node of cluster $K8S_NAME was not taken down cleanly (see above)"
}

down_kwok() {
	local t pids ports p left=()
	t=$(now_ms)
	mapfile -t pids < <(cluster_pids)
	mapfile -t ports < <(pids_ports "${pids[@]}")
	if [ -d "$K8S_CLUSTER_DIR" ] && [ -x "$K8S_BIN/kwokctl" ]; then
		log "deleting cluster $K8S_NAME"
		"$K8S_BIN/kwokctl" delete cluster --name "$K8S_NAME" --kubeconfig "$K8S_KUBECONFIG" >"$K8S_STATE/$K8S_NAME.delete.log" 2>&1 7>&- ||
			{ tail -n 20 "$K8S_STATE/$K8S_NAME.delete.log" >&2; log "kwokctl delete cluster failed; cleaning up by hand"; }
	fi
	# Anything of this cluster still running: TERM, then KILL (by pid, only ours).
	mapfile -t left < <(cluster_pids)
	if [ "${#left[@]}" -gt 0 ]; then
		log "stopping ${#left[@]} leftover process(es) of $K8S_NAME: ${left[*]}"
		kill -TERM "${left[@]}" 2>/dev/null || true
		for _ in $(seq 1 50); do
			mapfile -t left < <(cluster_pids)
			[ "${#left[@]}" -eq 0 ] && break
			sleep 0.2
		done
		[ "${#left[@]}" -eq 0 ] || kill -KILL "${left[@]}" 2>/dev/null || true
	fi
	rm -rf "$K8S_CLUSTER_DIR" "$K8S_KUBECONFIG" "$K8S_STATE/$K8S_NAME".*.log "$K8S_STATE/$K8S_NAME.kwokctl.yaml"
	rmdir "$KWOK_WORKDIR/clusters" 2>/dev/null || true
	# kwokctl's own work dir (cache, config) and kubectl's cache go when no cluster is left.
	if [ ! -d "$KWOK_WORKDIR/clusters" ]; then rm -rf "$KWOK_WORKDIR" "$KUBECACHEDIR"; fi
	rmdir "$K8S_STATE" 2>/dev/null && [ "$(basename "$(dirname "$K8S_STATE")")" = ephemeral ] && rmdir "$(dirname "$K8S_STATE")" 2>/dev/null || true
	# Verify.
	mapfile -t left < <(cluster_pids)
	[ "${#left[@]}" -eq 0 ] || die "processes of cluster $K8S_NAME survived: ${left[*]}"
	[ ! -e "$K8S_CLUSTER_DIR" ] || die "$K8S_CLUSTER_DIR still exists"
	for _ in $(seq 1 25); do
		local busy=()
		for p in "${ports[@]}"; do
			ss -ltnH "sport = :$p" 2>/dev/null | grep -q . && busy+=("$p")
		done
		[ "${#busy[@]}" -eq 0 ] && break
		sleep 0.2
	done
	[ "${#busy[@]}" -eq 0 ] || die "ports of cluster $K8S_NAME still listening: ${busy[*]}"
	if [ "${#pids[@]}" -gt 0 ]; then
		log "cluster $K8S_NAME down in $(elapsed "$t") (stopped ${#pids[@]} processes; ports ${ports[*]:-none} free)"
	else
		log "cluster $K8S_NAME is not running; nothing left of it"
	fi
}

up() {
	local t0 t log_file
	t0=$(now_ms)
	k8s_require_bins
	if healthy; then
		log "cluster $K8S_NAME is already up ($(kc version -o json 2>/dev/null | awk -F'"' '/gitVersion/ {v = $4} END {print v}'))"
		print_env
		return
	fi
	if [ -d "$K8S_CLUSTER_DIR" ] || [ -n "$(cluster_pids)" ]; then
		local dead
		dead="$(k8s_dead_components | tr '\n' ' ')"
		log "cluster $K8S_NAME exists but is not healthy${dead:+ (not running: ${dead% })}; recreating it"
		down_kwok
	fi
	mkdir -p "$K8S_STATE"
	log_file="$K8S_STATE/$K8S_NAME.create.log"
	# Every component listens on loopback only (kwokctl's default is 0.0.0.0, and etcd has no
	# authentication). An explicit --config also keeps any ~/.kwok/kwok.yaml out of it.
	local conf="$K8S_STATE/$K8S_NAME.kwokctl.yaml"
	kwokctl_config >"$conf"
	log "creating cluster $K8S_NAME (kwokctl --runtime binary, log: $log_file)"
	t=$(now_ms)
	if ! "$K8S_BIN/kwokctl" --config "$conf" create cluster --name "$K8S_NAME" --runtime binary \
		--etcd-binary "$K8S_BIN/etcd" \
		--kube-apiserver-binary "$K8S_BIN/kube-apiserver" \
		--kube-controller-manager-binary "$K8S_BIN/kube-controller-manager" \
		--kube-scheduler-binary "$K8S_BIN/kube-scheduler" \
		--kwok-controller-binary "$K8S_BIN/kwok" \
		--kubeconfig "$K8S_KUBECONFIG" \
		--disable-qps-limits \
		--timeout 300s --wait 240s >"$log_file" 2>&1 7>&-; then
		tail -n 30 "$log_file" >&2
		die "kwokctl create cluster $K8S_NAME failed (log: $log_file; component logs: $K8S_CLUSTER_DIR/logs/)"
	fi
	# The components now hold their ports: other clusters may be created (the rest of the bring-up, a
	# real node's image import above all, can take minutes).
	exec 7>&-
	# kwokctl only logs a failed --wait; check for ourselves (bounded, generous: a loaded machine).
	local ready=""
	for i in $(seq 1 240); do
		[ "$(kc get --raw /readyz --request-timeout=10s 2>/dev/null)" != ok ] || { ready=1 && break; }
		[ $((i % 4)) -ne 0 ] || revive_dead_components
		sleep 0.5
	done
	[ -n "$ready" ] || { tail -n 20 "$log_file" >&2; die "kube-apiserver of $K8S_NAME did not answer /readyz within 120 s after kwokctl started it (logs: $K8S_CLUSTER_DIR/logs/)"; }
	local create_s
	create_s="$(secs "$t" "$(now_ms)")"
	local v
	v="$(kc version -o json | awk -F'"' '/"serverVersion"/ {s = 1} s && /gitVersion/ {print $4; exit}')"
	[ "$v" = "$K8S_VERSION" ] || die "the API server reports $v, expected $K8S_VERSION"

	t=$(now_ms)
	"$K8S_BIN/kwokctl" scale node --name "$K8S_NAME" --replicas 1 >>"$log_file" 2>&1 7>&- ||
		{ tail -n 20 "$log_file" >&2; die "kwokctl scale node failed"; }
	revive_dead_components
	kc wait --for=condition=Ready node --all --timeout=180s >/dev/null ||
		die "the kwok node did not become Ready within 180 s: is the kwok controller running? (log: $K8S_CLUSTER_DIR/logs/kwok-controller.log)"
	# Pods need the default ServiceAccount, which kube-controller-manager creates.
	local ok=""
	# (300 s: on a machine shared by many builds, kube-controller-manager has been seen to need 70 s)
	for i in $(seq 1 600); do
		if kc get serviceaccount default -n default >/dev/null 2>&1; then ok=1 && break; fi
		[ $((i % 4)) -ne 0 ] || revive_dead_components
		sleep 0.5
	done
	[ -n "$ok" ] || die "no default ServiceAccount after 300 s: is kube-controller-manager running? (log: $K8S_CLUSTER_DIR/logs/kube-controller-manager.log)"
	[ -z "$REAL" ] || bash "$K8S_SCRIPTS/node.sh" start "$K8S_NAME" 7>&-
	log "cluster $K8S_NAME up in $(elapsed "$t0") (control plane ${create_s}s, node $(elapsed "$t")): Kubernetes $v, API $(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
	print_env
}

# A control-plane component that exited during the bring-up is started again, at most
# K8S_MAX_RESTARTS times in all, saying so. Seen on a loaded machine: kube-controller-manager waits
# only 10 s for the API server's /healthz ("failed to wait for apiserver being healthy"), then exits
# ("leaderelection lost"), and no default ServiceAccount ever appears. kwokctl's `start cluster` starts
# the components that are not running (per their pid files; a dead one's pid file is removed first,
# since an unreaped zombie still answers kill -0). Its log keeps the earlier run's lines.
K8S_MAX_RESTARTS="${EPHEMERAL_K8S_MAX_RESTARTS:-3}"
K8S_RESTARTS=0
revive_dead_components() {
	local dead c why
	mapfile -t dead < <(k8s_dead_components)
	[ "${#dead[@]}" -gt 0 ] || return 0
	if [ "$K8S_RESTARTS" -ge "$K8S_MAX_RESTARTS" ]; then
		die "${dead[*]} of cluster $K8S_NAME exited again after $K8S_RESTARTS restart(s) (logs: $K8S_CLUSTER_DIR/logs/)"
	fi
	K8S_RESTARTS=$((K8S_RESTARTS + 1))
	for c in "${dead[@]}"; do
		why="$(grep -E '^[EF][0-9]{4} ' "$K8S_CLUSTER_DIR/logs/$c.log" 2>/dev/null | tail -n 1 | cut -c1-300)"
		log "$c of cluster $K8S_NAME exited during bring-up${why:+ (last error: $why)}; restarting it (restart $K8S_RESTARTS of at most $K8S_MAX_RESTARTS)"
		rm -f "$K8S_CLUSTER_DIR/pids/$c.pid"
	done
	"$K8S_BIN/kwokctl" start cluster --name "$K8S_NAME" --timeout 180s --wait 120s >>"$K8S_STATE/$K8S_NAME.create.log" 2>&1 7>&- ||
		{ tail -n 20 "$K8S_STATE/$K8S_NAME.create.log" >&2; die "kwokctl start cluster $K8S_NAME (restarting ${dead[*]}) failed"; }
	mapfile -t dead < <(k8s_dead_components)
	[ "${#dead[@]}" -eq 0 ] || log "still not running after the restart: ${dead[*]}"
}

# One up/down at a time on this machine: kwokctl picks its "random" ports by scanning down from 32767
# for a free one, so two clusters created at the same moment could pick the same ports. `up` holds it
# until kwokctl has started the components, not for the rest of the bring-up. (kwokctl runs with fd 7
# closed so that the components it starts do not inherit the lock.)
cluster_lock() {
	command -v flock >/dev/null 2>&1 || return 0
	mkdir -p "$K8S_CACHE"
	exec 7>"$K8S_CACHE/.cluster.lock"
	flock -w 300 7 || die "another cluster.sh up/down held $K8S_CACHE/.cluster.lock for 5 minutes"
}

# kwokctl's configuration: every component on loopback; with a real node, the patches below.
kwokctl_config() {
	printf 'kind: KwokctlConfiguration\napiVersion: config.kwok.x-k8s.io/v1alpha1\noptions:\n  bindAddress: 127.0.0.1\n'
	[ -z "$REAL" ] || printf '  kubeApiserverCertSANs: ["%s", "%s"]\n' "$NODE_KUBERNETES_SVC_IP" "$NODE_IP"
	# One kube-controller-manager and one scheduler: no leader election, whose lease renewals a loaded
	# machine delays past the 10 s renew deadline (the component then exits: "leaderelection lost").
	cat <<EOF
componentsPatches:
- name: kube-controller-manager
  extraArgs:
  - {key: leader-elect, value: "false"}
- name: kube-scheduler
  extraArgs:
  - {key: leader-elect, value: "false"}
EOF
	[ -z "$REAL" ] || real_node_kwokctl_patches
}
# kube-apiserver for a real node: listens beyond loopback (pods reach it through the `kubernetes`
# Service on the bridge; node.sh lets only loopback and the bridge in), advertises the bridge address,
# has the Service IP and node IP in its certificate, and reaches the kubelet (logs, exec, port-forward)
# with the admin client certificate. The kwok controller manages only kwok's own (annotated) nodes.
real_node_kwokctl_patches() {
	cat <<EOF
- name: kube-apiserver
  extraArgs:
  - {key: bind-address, value: 0.0.0.0, override: true}
  - {key: advertise-address, value: "$NODE_IP"}
  - {key: kubelet-client-certificate, value: "$K8S_CLUSTER_DIR/pki/admin.crt"}
  - {key: kubelet-client-key, value: "$K8S_CLUSTER_DIR/pki/admin.key"}
  - {key: kubelet-preferred-address-types, value: InternalIP}
- name: kwok-controller
  extraArgs:
  - {key: manage-all-nodes, value: "false", override: true}
  - {key: manage-nodes-with-annotation-selector, value: kwok.x-k8s.io/node=fake}
EOF
}

# After a failed bring-up: the components' logs survive the down that follows, for the reader.
keep_logs() {
	local dir="$K8S_STATE/$K8S_NAME.failed-logs"
	rm -rf "$dir" && mkdir -p "$dir"
	cp -r "$K8S_CLUSTER_DIR/logs" "$dir/control-plane" 2>/dev/null || true
	cp -r "$NODE_STATE/logs" "$dir/node" 2>/dev/null || true
	log "bring-up failed: taking cluster $K8S_NAME and its real node down; the components' logs are kept in $dir"
}

# up with a real node: the host lock first (a wait for another run's node holds no cluster lock),
# then the control plane and the node; on any failure the node and the cluster are taken down.
up_real() {
	if node_is_ours; then
		if healthy && bash "$K8S_SCRIPTS/node.sh" status "$K8S_NAME"; then
			cluster_lock && up
			return
		fi
		log "the real node of cluster $K8S_NAME is not healthy; recreating the cluster"
		cluster_lock && down && exec 7>&-
	fi
	trap 'status=$?; if [ "$status" -ne 0 ]; then keep_logs; exec 7>&-; bash "$K8S_SCRIPTS/cluster.sh" down "$K8S_NAME" >&2 || true; fi' EXIT
	bash "$K8S_SCRIPTS/node.sh" prepare "$K8S_NAME"
	cluster_lock && up
	trap - EXIT
}

case "$CMD" in
up) if [ -n "$REAL" ]; then up_real; else cluster_lock && up; fi ;;
down) cluster_lock && down ;;
env)
	healthy || log "WARNING: cluster $K8S_NAME is not running (scripts/k8s/cluster.sh up $K8S_NAME)"
	print_env
	;;
status)
	if healthy && { ! node_is_ours || bash "$K8S_SCRIPTS/node.sh" status "$K8S_NAME"; }; then
		log "cluster $K8S_NAME is up"
	else
		log "cluster $K8S_NAME is not running"
		exit 1
	fi
	;;
esac
