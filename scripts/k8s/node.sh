#!/usr/bin/env bash
# The real node of the test cluster: a kubelet with a private containerd (CRI), CNI, kube-proxy and a
# host CoreDNS, beside the kwok node, so that pods really run. scripts/k8s/cluster.sh calls it
# (`cluster.sh up --real-node`); see docs/k8s-test-cluster.md.
#
#   prepare NAME   wait for this host's real-node lock (bounded; EPHEMERAL_K8S_NODE_WAIT seconds, default
#                  2700), record the host's state (the baseline), create the bridge, its routes and the
#                  egress filter. Run before the control plane starts (kube-apiserver advertises the
#                  bridge address).
#   start NAME     after the control plane is up: containerd, images, kubelet (node Ready), kube-proxy,
#                  CoreDNS; fails naming the component that did not start.
#   down NAME      stop everything, restore the host and compare it with the baseline (fails listing
#                  every difference), then release the lock. Idempotent; a no-op when the node is not
#                  NAME's.
#   status NAME    exit 0 when NAME's node is up (kubelet, kube-proxy, CoreDNS, containerd alive).
#
# The lock is held by a small holder process (argv[0] ephemeral-k8s-node-lock) from prepare to the end
# of down, so a second run waits instead of breaking this one. Its owner file (the lock file) names
# the cluster, the state dir and the owning process (EPHEMERAL_K8S_OWNER_PID, set by scripts/test.sh):
# a waiting run takes down a node whose owner is gone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CMD="${1:-}"
NAME="${2:-${EPHEMERAL_K8S_CLUSTER:-ephemeral}}"
case "$CMD" in prepare | start | down | status) ;; *) die "usage: $0 prepare|start|down|status [NAME]" ;; esac
k8s_cluster_paths "$NAME"
k8s_paths
PIDS="$NODE_STATE/pids"
LOGDIR="$NODE_STATE/logs"
CTRD_SOCK="$NODE_STATE/containerd/containerd.sock"
BASELINE="$NODE_STATE/host-baseline"
export PATH="$K8S_BIN:$PATH"
kc() { "$K8S_BIN/kubectl" --kubeconfig "$K8S_KUBECONFIG" --request-timeout=10s "$@"; }
ctr_() { ctr --address "$CTRD_SOCK" --namespace k8s.io "$@"; }

owner_field() { sed -n "s/^$1=//p" "$NODE_LOCK" 2>/dev/null | head -n 1; }
pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
# is_ours <component>: its pid file names a live process started from this node's files
is_ours() {
	local p
	p="$(pid_of "$1")"
	pid_alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "${2:-$NODE_STATE}"
}

# spawn <component> <command...>: starts a daemon in its own session (a Ctrl-C of the test run does not
# reach it; down stops it), output to logs/<component>.log, no inherited locks or pipes.
spawn() {
	local c="$1"
	shift
	setsid "$@" </dev/null >>"$LOGDIR/$c.log" 2>&1 5>&- 6>&- 7>&- 8>&- 9>&- &
	printf '%s\n' "$!" >"$PIDS/$c.pid"
}

# wait_until <seconds> <component> <what> <command...>: polls every 0.25 s until the command succeeds.
# Fails naming <what> and the component's log when the bound passes, and at once (with the last lines of
# its log) when the component's process has exited: a dead daemon is never waited for. The bounds are
# generous (minutes): on a shared, loaded 2-core machine every start is slow, and a bound only decides
# how long a broken start takes to be reported, never whether a healthy one passes.
wait_until() {
	local secs="$1" c="$2" what="$3" logf end
	shift 3
	logf="$LOGDIR/$c.log"
	end=$(($(now_ms) + secs * 1000))
	until "$@" >/dev/null 2>&1; do
		if ! pid_alive "$(pid_of "$c")"; then
			[ ! -f "$logf" ] || tail -n 25 "$logf" >&2
			die "$c exited during start-up: $what (log: $logf)"
		fi
		if [ "$(now_ms)" -ge "$end" ]; then
			[ ! -f "$logf" ] || tail -n 25 "$logf" >&2
			die "$what within ${secs} s; $c is running but not ready (log: $logf)"
		fi
		sleep 0.25
	done
}

# --- lock ----------------------------------------------------------------------------------------------
acquire_lock() {
	local max="${EPHEMERAL_K8S_NODE_WAIT:-2700}" waited=0 owner opid ostate since
	[[ "$max" =~ ^[0-9]+$ ]] || die "EPHEMERAL_K8S_NODE_WAIT must be a number of seconds (got '$max')"
	command -v flock >/dev/null 2>&1 || die "flock (util-linux) is needed for the real node's host lock"
	mkdir -p "$(dirname "$NODE_LOCK")"
	exec 5>>"$NODE_LOCK"
	while ! flock -n 5; do
		owner="$(owner_field cluster)" opid="$(owner_field owner_pid)" ostate="$(owner_field state)" since="$(owner_field since)"
		if [ -n "$opid" ] && ! pid_alive "$opid" && [ -n "$owner" ]; then
			log "the real node of this host belongs to cluster $owner, whose run (pid $opid) is gone: taking it down"
			EPHEMERAL_K8S_STATE="$ostate" bash "$K8S_SCRIPTS/cluster.sh" down "$owner" >&2 ||
				log "WARNING: taking down cluster $owner failed; waiting for the lock as usual"
			flock -w 5 5 && break
		fi
		[ "$waited" -lt "$max" ] ||
			die "this host's real Kubernetes node is still in use by cluster '${owner:-?}' (run pid ${opid:-?}, since ${since:-?}) after waiting ${max} s. Only one real node can run per host (it changes host-global iptables chains, ports and a bridge). Wait for that run to finish, or end it with: scripts/k8s/cluster.sh down ${owner:-NAME}; EPHEMERAL_K8S_NODE_WAIT sets the wait (seconds)."
		if [ $((waited % 60)) -eq 0 ]; then
			log "waiting for this host's real Kubernetes node: in use by cluster '${owner:-?}' (run pid ${opid:-?}, since ${since:-?}); waited ${waited} s of at most ${max} s"
		fi
		flock -w 30 5 && break
		waited=$((waited + 30))
	done
	# The holder keeps the lock after this script exits, until down ends it.
	mkdir -p "$PIDS" "$LOGDIR"
	setsid bash -c 'exec -a ephemeral-k8s-node-lock sleep infinity' </dev/null >/dev/null 2>&1 6>&- 7>&- 8>&- 9>&- &
	printf '%s\n' "$!" >"$PIDS/lock-holder.pid"
	: >"$NODE_LOCK"
	printf 'cluster=%s\nstate=%s\nowner_pid=%s\nholder=%s\nsince=%s\n' "$NAME" "$K8S_STATE" \
		"${EPHEMERAL_K8S_OWNER_PID:-}" "$!" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$NODE_LOCK"
	exec 5>&-
}

release_lock() {
	local p
	p="$(pid_of lock-holder)"
	if pid_alive "$p" && grep -q ephemeral-k8s-node-lock "/proc/$p/cmdline" 2>/dev/null; then
		[ "$(owner_field holder)" != "$p" ] || : >"$NODE_LOCK"
		kill "$p" 2>/dev/null || true
	fi
}

# --- prepare -------------------------------------------------------------------------------------------
prepare() {
	k8s_require_node_bins
	command -v containerd >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 && command -v ctr >/dev/null 2>&1 ||
		die "the real node needs containerd (with its CRI plugin), runc and ctr: Debian's containerd and runc packages, which docker.io installs (scripts/machine/ensure-docker.sh)"
	command -v iptables >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 || die "the real node needs iptables and iproute2"
	is_root || die "the real node needs root (bridge, iptables, cgroups, mounts)"
	acquire_lock
	if [ -e "$BASELINE" ]; then
		# A run that crashed without `down`: its baseline is the host as it was before; restore that.
		log "a real node's state from a run that did not finish is in $NODE_STATE: restoring the host from its baseline first"
		teardown keep-lock
	fi
	ip link show "$NODE_BRIDGE" >/dev/null 2>&1 &&
		{ release_lock; die "interface $NODE_BRIDGE already exists, but no real node holds the lock: a crashed run left it (remove it: ip link del $NODE_BRIDGE)"; }
	local clash
	clash="$(ip -4 route show | grep -E "^(${NODE_POD_CIDR%.*}|${NODE_SERVICE_CIDR%.*})\." || true)"
	[ -z "$clash" ] || { release_lock; die "the host already routes the node's ranges ($NODE_POD_CIDR, $NODE_SERVICE_CIDR): $clash"; }
	mkdir -p "$NODE_STATE"
	bash "$K8S_SCRIPTS/host-state.sh" snapshot >"$BASELINE.tmp" || { release_lock; die "recording the host's state failed"; }
	mv "$BASELINE.tmp" "$BASELINE"
	ip link add "$NODE_BRIDGE" type bridge
	ip addr add "$NODE_IP/${NODE_POD_CIDR#*/}" dev "$NODE_BRIDGE"
	ip link set "$NODE_BRIDGE" up
	ip route add "$NODE_SERVICE_CIDR" dev "$NODE_BRIDGE" src "$NODE_IP"
	# Pods reach pods, Services and the node (API server, DNS), nothing beyond this machine.
	iptables -t raw -N EPHK8S-EGRESS
	iptables -t raw -A EPHK8S-EGRESS -d "$NODE_POD_CIDR" -j RETURN
	iptables -t raw -A EPHK8S-EGRESS -d "$NODE_SERVICE_CIDR" -j RETURN
	iptables -t raw -A EPHK8S-EGRESS -j DROP
	iptables -t raw -I PREROUTING -i "$NODE_BRIDGE" -j EPHK8S-EGRESS
	log "real node: host lock taken, bridge $NODE_BRIDGE $NODE_IP/${NODE_POD_CIDR#*/} up"
}

# --- start ---------------------------------------------------------------------------------------------
write_configs() {
	local pki="$K8S_CLUSTER_DIR/pki" v1=""
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || v1=1
	mkdir -p "$NODE_STATE/containerd/state" "$NODE_STATE/runc" "$NODE_STATE/cni/net.d" "$NODE_STATE/cni/ipam" \
		"$NODE_STATE/kubelet/pki" "$NODE_STATE/pod-logs" "$NODE_STATE/opt" "$NODE_IMAGE_STORE"
	# containerd 1.6 config v2: every path private; CRI with our CNI and pause image; no OOM score
	# below 0 (this VM's root lacks CAP_SYS_RESOURCE, runc fails setting -998 for the pause container).
	cat >"$NODE_STATE/containerd.toml" <<EOF
version = 2
root = "$NODE_IMAGE_STORE"
state = "$NODE_STATE/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_STATE/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "ephemeral-k8s/pause:catatonit"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$NODE_STATE/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$K8S_BIN/cni"
    conf_dir = "$NODE_STATE/cni/net.d"
    max_conf_num = 1
EOF
	cat >"$NODE_STATE/cni/net.d/10-ephk8s.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "ephk8s",
  "plugins": [
    {
      "type": "bridge", "bridge": "$NODE_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$NODE_STATE/cni/ipam",
        "ranges": [[{ "subnet": "$NODE_POD_CIDR", "rangeStart": "${NODE_IP%.*}.10", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "firewall", "backend": "iptables" }
  ]
}
EOF
	printf 'nameserver %s\n' "$NODE_IP" >"$NODE_STATE/resolv.conf"
	cat >"$NODE_STATE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
${v1:+failCgroupV1: false}
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CTRD_SOCK
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$NODE_IP]
clusterDomain: $NODE_CLUSTER_DOMAIN
resolvConf: $NODE_STATE/resolv.conf
podLogsDir: $NODE_STATE/pod-logs
failSwapOn: false
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
imageMinimumGCAge: 87600h
evictionHard: {memory.available: 100Mi, nodefs.available: "0%", nodefs.inodesFree: "0%", imagefs.available: "0%"}
registerWithTaints:
- {key: $NODE_TAINT_KEY, value: "true", effect: NoSchedule}
shutdownGracePeriod: 0s
EOF
	cat >"$NODE_STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $K8S_KUBECONFIG}
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
mode: iptables
clusterCIDR: $NODE_POD_CIDR
nodePortAddresses: [$NODE_POD_CIDR]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: false, masqueradeAll: false}
EOF
	cat >"$NODE_STATE/Corefile" <<EOF
.:53 {
    bind $NODE_IP
    errors
    health $NODE_IP:8080
    ready $NODE_IP:8181
    kubernetes $NODE_CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
        kubeconfig $K8S_KUBECONFIG
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 5
    loadbalance
}
EOF
}

http_ok() { curl -fsS --max-time 2 "$1" >/dev/null 2>&1; }
node_ready() {
	[ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

start() {
	local t0 t times=()
	t0=$(now_ms)
	[ -e "$BASELINE" ] || die "the real node was not prepared (scripts/k8s/node.sh prepare $NAME)"
	[ "$(owner_field cluster)" = "$NAME" ] || die "this host's real node belongs to cluster '$(owner_field cluster)', not $NAME"
	command -v curl >/dev/null 2>&1 || die "the real node's health checks need curl"
	write_configs
	t=$(now_ms)
	spawn containerd containerd --config "$NODE_STATE/containerd.toml"
	wait_until 120 containerd "containerd (private, CRI) did not answer on $CTRD_SOCK" ctr_ version
	ctr --address "$CTRD_SOCK" plugins ls 2>/dev/null | awk '$2 == "cri" && $NF != "ok" { exit 1 }' ||
		die "containerd's CRI plugin did not load (log: $LOGDIR/containerd.log)"
	times+=("containerd $(elapsed "$t")")
	t=$(now_ms)
	CTRD_SOCK="$CTRD_SOCK" bash "$K8S_SCRIPTS/node-images.sh" import >&2
	times+=("images $(elapsed "$t")")
	t=$(now_ms)
	spawn kubelet "$K8S_BIN/kubelet" --config "$NODE_STATE/kubelet.yaml" --kubeconfig "$K8S_KUBECONFIG" \
		--root-dir "$NODE_STATE/kubelet" --cert-dir "$NODE_STATE/kubelet/pki" \
		--hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --node-labels "$NODE_LABEL=true" -v 1
	wait_until 300 kubelet "node $NODE_NAME did not become Ready" node_ready
	times+=("kubelet $(elapsed "$t")")
	t=$(now_ms)
	spawn kube-proxy "$K8S_BIN/kube-proxy" --config "$NODE_STATE/kube-proxy.yaml" -v 1
	wait_until 180 kube-proxy "kube-proxy did not report healthy" http_ok http://127.0.0.1:10256/healthz
	times+=("kube-proxy $(elapsed "$t")")
	t=$(now_ms)
	spawn coredns "$K8S_BIN/coredns" -conf "$NODE_STATE/Corefile"
	wait_until 180 coredns "CoreDNS was not ready" http_ok "http://$NODE_IP:8181/ready"
	times+=("coredns $(elapsed "$t")")
	# kube-apiserver listens on every address (pods reach it on the bridge); only loopback and the
	# bridge may connect.
	local port
	port="$(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}' | sed 's/.*://')"
	iptables -N EPHK8S-INPUT
	iptables -A EPHK8S-INPUT -i lo -j RETURN
	iptables -A EPHK8S-INPUT -i "$NODE_BRIDGE" -j RETURN
	iptables -A EPHK8S-INPUT -p tcp --dport "$port" -j DROP
	iptables -I INPUT -j EPHK8S-INPUT
	log "real node $NODE_NAME Ready in $(elapsed "$t0") (${times[*]})"
}

# --- down ----------------------------------------------------------------------------------------------
stop_component() { # stop_component <name> [<match>]: TERM, 10 s, KILL
	local p
	p="$(pid_of "$1")"
	is_ours "$1" "${2:-}" || return 0
	kill -TERM "$p" 2>/dev/null || true
	for _ in $(seq 1 40); do pid_alive "$p" || return 0; sleep 0.25; done
	kill -KILL "$p" 2>/dev/null || true
	for _ in $(seq 1 20); do pid_alive "$p" || return 0; sleep 0.25; done
}

# Pids of leftover processes: containerd shims of this node and anything in a kubepods cgroup.
leftover_pids() {
	local dir exe
	find /proc -mindepth 2 -maxdepth 2 -name exe -printf '%h %l\n' 2>/dev/null | while read -r dir exe; do
		[[ "$exe" == */containerd-shim* ]] || continue
		[[ "$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null)" == *"$NODE_STATE/"* ]] && printf '%s\n' "${dir#/proc/}"
	done || true
	grep -l '/kubepods' /proc/[0-9]*/cgroup 2>/dev/null | sed 's|^/proc/\([0-9]*\)/cgroup$|\1|' || true
}

# Removes every chain named KUBE-*, CNI-* or EPHK8S-* (and the rules jumping to them) from every table,
# IPv4 and IPv6. Only the real node creates such chains, and only one real node runs per host.
remove_chains() {
	local t table chain rule
	for t in iptables ip6tables; do
		command -v "$t-save" >/dev/null 2>&1 || continue
		for table in $("$t-save" 2>/dev/null | sed -n 's/^\*//p'); do
			# rules in other chains that jump to ours
			"$t" -t "$table" -S 2>/dev/null | grep -E '^-A ' | grep -E -- '-j (KUBE|CNI|EPHK8S)-' |
				grep -vE '^-A (KUBE|CNI|EPHK8S)-' | while IFS= read -r rule; do
				eval "\"\$t\" -t \"\$table\" -D ${rule#-A }" 2>/dev/null || true
			done || true # (grep finds nothing: pipefail)
			for chain in $("$t" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE|CNI|EPHK8S)-/ { print $2 }'); do
				"$t" -t "$table" -F "$chain" 2>/dev/null || true
			done
			for chain in $("$t" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE|CNI|EPHK8S)-/ { print $2 }'); do
				"$t" -t "$table" -X "$chain" 2>/dev/null || true
			done
		done
	done
}

# Deletes nftables tables the baseline did not have, when no rule is left in them (iptables-nft
# creates a table the first time a chain of it is used, and never deletes it).
remove_nft_tables() {
	local fam name
	[ -x "$K8S_BIN/nft" ] || return 0
	"$K8S_BIN/nft" list tables 2>/dev/null | while read -r _ fam name; do
		grep -qx "nft $fam $name" "$BASELINE" 2>/dev/null && continue
		if "$K8S_BIN/nft" list table "$fam" "$name" 2>/dev/null | grep -qE '^[[:space:]]+(counter|jump|goto|accept|drop|ip |ip6 |meta |iifname|oifname|tcp |udp |ct |mark )'; then
			log "WARNING: nft table $fam $name was created while the node ran and still has rules; left alone"
			continue
		fi
		"$K8S_BIN/nft" delete table "$fam" "$name" 2>/dev/null || true
	done
}

restore_sysctls() {
	local line key val now
	grep '^sysctl ' "$BASELINE" | while IFS= read -r line; do
		line="${line#sysctl }" key="${line%%=*}" val="${line#*=}"
		[ "$val" != absent ] || continue
		now="$(cat "/proc/sys/${key//.//}" 2>/dev/null | tr -s '\t ' ' ')" || continue
		if [ "$now" != "$val" ]; then
			printf '%s' "$val" >"/proc/sys/${key//.//}" 2>/dev/null || log "WARNING: could not restore $key to $val (now $now)"
		fi
	done
}

down() {
	local owner
	owner="$(owner_field cluster)"
	[ -d "$NODE_STATE" ] || return 0
	if [ -n "$owner" ] && [ "$owner" != "$NAME" ] && pid_alive "$(owner_field holder)"; then
		return 0 # another cluster's node: not ours to take down
	fi
	teardown
}

# teardown [keep-lock]: stops the node and restores the host from $BASELINE; verifies; releases the
# lock unless told to keep it (prepare, cleaning up after a run that crashed).
teardown() {
	local t0 pids
	t0=$(now_ms)
	# 1. Pods off the node while the kubelet still runs, so that CNI tears their networks down.
	if is_ours kubelet "$K8S_BIN/kubelet" && [ -f "$K8S_KUBECONFIG" ] && kc get node "$NODE_NAME" >/dev/null 2>&1; then
		kc cordon "$NODE_NAME" >/dev/null 2>&1 || true
		kc delete pods --all-namespaces --field-selector "spec.nodeName=$NODE_NAME" --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
		for _ in $(seq 1 120); do
			if [ -z "$(ctr_ tasks ls -q 2>/dev/null)" ] && [ -z "$(compgen -G '/run/netns/cni-*' || true)" ]; then break; fi
			sleep 0.25
		done
		kc delete node "$NODE_NAME" --wait=false >/dev/null 2>&1 || true
	fi
	# 2. The daemons, then whatever containers or shims remain.
	stop_component coredns "$NODE_STATE/Corefile"
	stop_component kube-proxy "$NODE_STATE/kube-proxy.yaml"
	stop_component kubelet "$NODE_STATE/kubelet.yaml"
	if is_ours containerd "$NODE_STATE/containerd.toml"; then
		for c in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true; done
		sleep 0.5
		for c in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$c" >/dev/null 2>&1 || true; done
		for c in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$c" >/dev/null 2>&1 || true; done
	fi
	stop_component containerd "$NODE_STATE/containerd.toml"
	mapfile -t pids < <(leftover_pids)
	if [ "${#pids[@]}" -gt 0 ]; then
		log "stopping ${#pids[@]} leftover container process(es) of the real node: ${pids[*]}"
		kill -KILL "${pids[@]}" 2>/dev/null || true
		sleep 0.5
	fi
	# 3. Network: kube-proxy's own cleanup, then every chain of ours; network namespaces; the bridge.
	if [ -x "$K8S_BIN/kube-proxy" ]; then
		"$K8S_BIN/kube-proxy" --cleanup >"$LOGDIR/kube-proxy-cleanup.log" 2>&1 || true
	fi
	remove_chains
	local m
	for m in $(awk '{print $5}' /proc/self/mountinfo | grep -E "^/run/netns/cni-|^/var/lib/kubelet/|^$NODE_STATE/|^$NODE_IMAGE_STORE/" | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	rm -f /run/netns/cni-*
	if [ -f "$BASELINE" ] && ! grep -qx 'path /run/netns' "$BASELINE" && [ -d /run/netns ]; then
		while awk '{print $5}' /proc/self/mountinfo | grep -qx /run/netns; do umount /run/netns 2>/dev/null || umount -l /run/netns || break; done
		rmdir /run/netns 2>/dev/null || true
	fi
	for m in $(ip -o link show master "$NODE_BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'); do
		ip link del "$m" 2>/dev/null || true
	done
	ip route del "$NODE_SERVICE_CIDR" dev "$NODE_BRIDGE" 2>/dev/null || true
	ip link del "$NODE_BRIDGE" 2>/dev/null || true
	[ ! -f "$BASELINE" ] || remove_nft_tables
	# 4. cgroups (deepest first), sysctls, directories outside the state dir.
	find /sys/fs/cgroup -mindepth 2 -depth -type d -path '*/kubepods*' -exec rmdir {} \; 2>/dev/null || true
	if [ -f "$BASELINE" ]; then
		restore_sysctls
		for m in /var/lib/kubelet /var/lib/cni /etc/cni /opt/cni /opt/containerd /var/log/pods /var/log/containers /etc/kubernetes /var/run/kubernetes; do
			[ -e "$m" ] || continue
			grep -qx "path $m" "$BASELINE" || rm -rf "$m"
		done
	fi
	# 5. Compare with the baseline, then release the lock (whatever the result: a failed comparison is
	# reported loudly; holding the lock would only block every later run).
	local diffs="" status=0 had_baseline=0
	if [ -f "$BASELINE" ]; then
		had_baseline=1
		diffs="$(bash "$K8S_SCRIPTS/host-state.sh" diff "$BASELINE")" || status=$?
	fi
	cp "$BASELINE" "$K8S_STATE/$NAME.host-baseline" 2>/dev/null || true
	local holder
	holder="$(pid_of lock-holder)"
	rm -rf "$NODE_STATE"
	if [ "${1:-}" = keep-lock ]; then
		mkdir -p "$PIDS" "$LOGDIR" && printf '%s\n' "$holder" >"$PIDS/lock-holder.pid"
	else
		mkdir -p "$PIDS" && printf '%s\n' "$holder" >"$PIDS/lock-holder.pid"
		release_lock
		rm -rf "$NODE_STATE"
	fi
	if [ "$status" -ne 0 ]; then
		printf '%s\n' "$diffs" >&2
		die "the host is not as the real node found it (differences above; baseline kept in $K8S_STATE/$NAME.host-baseline)"
	fi
	rm -f "$K8S_STATE/$NAME.host-baseline"
	if [ "$had_baseline" = 1 ]; then
		log "real node down in $(elapsed "$t0"); host restored and compared with its state before the node: sysctls, interfaces, routes, netns, iptables/ip6tables chains, nft tables, paths, mounts, cgroups and processes as before"
	else
		log "real node down in $(elapsed "$t0") (it had not got as far as recording the host's state: cleaned up what it may have created)"
	fi
}

status() {
	[ "$(owner_field cluster)" = "$NAME" ] || return 1
	is_ours containerd "$NODE_STATE/containerd.toml" && is_ours kubelet "$NODE_STATE/kubelet.yaml" &&
		is_ours kube-proxy "$NODE_STATE/kube-proxy.yaml" && is_ours coredns "$NODE_STATE/Corefile"
}

case "$CMD" in
prepare) prepare ;;
start) start ;;
down) down ;;
status) status ;;
esac
