#!/usr/bin/env bash
# The host state a real node changes, as one normalised text: taken before the node starts (the
# baseline) and compared after it is gone. scripts/k8s/node.sh uses it; the tests use `diff` to show
# that the check sees a running node.
#
#   sysctl       the kernel settings the kubelet, kube-proxy and the CNI plugins may set
#   link         network interfaces; Docker's own (br-<id>, and veths enslaved to docker0/br-*) are left
#                out: other runs on this machine create and remove them at any time
#   route        IPv4 routes through the node's bridge or into its pod/Service ranges
#   netns        /run/netns entries (CNI's network namespaces)
#   iptables     IPv4/IPv6 chains (with policies) by table, Docker's left out (same reason as links),
#                and every rule that names a chain, interface or address range of the node
#                (KUBE-*, CNI-*, EPHK8S-*, the bridge, the pod and Service ranges)
#   nft          nftables tables (iptables-nft creates one per table it touches)
#   path         directories the node's components create outside its own state directory
#   mount        mount points below /run/netns, /var/lib/kubelet and the node's state directory
#   cgroup       kubepods hierarchies
#   process      processes of the node (containerd, kubelet, kube-proxy, coredns, containerd-shim)
#
# Usage: scripts/k8s/host-state.sh snapshot            the state now, on stdout
#        scripts/k8s/host-state.sh diff <baseline>      differences from a saved snapshot; exit 1 if any
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
k8s_paths

# Every kernel setting a node component is known to write (kubelet: pkg/kubelet/cm/container_manager_linux.go
# setupKernelTunables; kube-proxy: conntrack and route_localnet; CNI bridge: ip_forward).
HOST_SYSCTLS=(
	kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom
	kernel.keys.root_maxkeys kernel.keys.root_maxbytes
	net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv4.conf.all.route_localnet
	net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
	net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_tcp_be_liberal
	net.netfilter.nf_conntrack_tcp_timeout_established net.netfilter.nf_conntrack_tcp_timeout_close_wait
)
# Directories outside the node's state dir that kubelet, containerd's CRI or CNI create (kubelet:
# device-plugins is a hard-coded path; libcni's cache dir; the rest are defaults the node overrides,
# listed to prove it).
HOST_PATHS=(/var/lib/kubelet /var/lib/cni /etc/cni /opt/cni /opt/containerd /var/log/pods /var/log/containers
	/run/netns /etc/kubernetes /var/run/kubernetes)

sysctl_get() { cat "/proc/sys/${1//.//}" 2>/dev/null | tr -s '\t ' ' ' || printf 'absent'; }

snapshot() {
	local k t
	for k in "${HOST_SYSCTLS[@]}"; do printf 'sysctl %s=%s\n' "$k" "$(sysctl_get "$k")"; done
	# Interfaces: name and kind; Docker's bridges and the veths enslaved to them are not ours.
	ip -o -d link show 2>/dev/null | awk '
		{ name = $2; sub(/:$/, "", name); sub(/@.*/, "", name); master = ""; kind = "device"
		  for (i = 3; i < NF; i++) if ($i == "master") master = $(i + 1)
		  if ($0 ~ / veth /) kind = "veth"; else if ($0 ~ / bridge /) kind = "bridge"
		  if (name ~ /^br-[0-9a-f]+$/ && length(name) == 15) next
		  if (kind == "veth" && (master == "docker0" || (master ~ /^br-[0-9a-f]+$/ && length(master) == 15))) next
		  if (kind == "veth" && master == "" && name ~ /^veth[0-9a-f]+$/ && length(name) == 11) next  # Docker'"'"'s, being attached
		  printf "link %s %s%s\n", name, kind, (kind == "veth" ? " master=" (master == "" ? "none" : master) : "") }' | sort
	ip -4 route show 2>/dev/null | grep -E "$NODE_BRIDGE|${NODE_POD_CIDR%.*}\.|${NODE_SERVICE_CIDR%.*}\." | sed 's/^/route /' | sort || true
	if [ -d /run/netns ]; then find /run/netns -mindepth 1 -maxdepth 1 -printf 'netns %f\n' | sort; fi
	for t in iptables ip6tables; do
		command -v "$t-save" >/dev/null 2>&1 || continue
		"$t-save" 2>/dev/null | awk -v fam="$t" '
			/^\*/ { table = substr($0, 2); next }
			/^:/ { chain = substr($1, 2); if (chain !~ /^DOCKER/) printf "%s %s chain %s %s\n", fam, table, chain, $2; next }
			/^-A / { if ($0 !~ /(KUBE|CNI|EPHK8S)-|ephk8s0|10\.244\.0\.|10\.0\.0\./) next
			         printf "%s %s rule %s\n", fam, table, $0 }' | sort
	done
	if [ -x "${K8S_BIN:-/nonexistent}/nft" ]; then
		"$K8S_BIN/nft" list tables 2>/dev/null | sed 's/^table /nft /' | sort
	fi
	for k in "${HOST_PATHS[@]}"; do [ ! -e "$k" ] || printf 'path %s\n' "$k"; done
	awk -v s="$NODE_STATE" -v i="$NODE_IMAGE_STORE" '$5 ~ "^/run/netns(/|$)" || $5 ~ "^/var/lib/kubelet(/|$)" || index($5, s) == 1 || index($5, i) == 1 { print "mount " $5 }' \
		/proc/self/mountinfo | sort
	find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -name kubepods -printf 'cgroup %p\n' 2>/dev/null | sort
	node_processes | sed 's/^/process /' | sort
}

# Names of the node's processes: its binaries from the tools cache (kubelet, kube-proxy, coredns),
# the private containerd and its shims (their command lines name the node's state directory), and
# anything in a kubepods cgroup (containers). (Few processes are forked: this runs on busy machines.)
node_processes() {
	local dir pid exe st
	find /proc -mindepth 2 -maxdepth 2 -name exe -printf '%h %l\n' 2>/dev/null | while read -r dir exe; do
		pid="${dir#/proc/}"
		case "$exe" in
		"$K8S_CACHE"/*/bin/kubelet | "$K8S_CACHE"/*/bin/kube-proxy | "$K8S_CACHE"/*/bin/coredns) ;;
		*/containerd | */containerd-shim* | */runc)
			[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$NODE_STATE/"* ]] || continue
			;;
		*) continue ;;
		esac
		read -r _ _ st _ <"/proc/$pid/stat" 2>/dev/null || continue
		[ "$st" != Z ] || continue
		printf '%s\n' "${exe##*/}"
	done || true # (find and grep fail on processes that vanish, or find nothing: pipefail)
	grep -l '/kubepods' /proc/[0-9]*/cgroup 2>/dev/null | while read -r dir; do
		exe="$(readlink "${dir%/cgroup}/exe" 2>/dev/null)" || continue
		printf '%s\n' "${exe##*/}"
	done || true
} 2>/dev/null

case "${1:-}" in
snapshot) snapshot ;;
diff)
	[ -r "${2:-}" ] || die "usage: $0 diff <baseline file>"
	if ! d="$(diff "$2" <(snapshot))"; then
		printf '%s\n' "$d" | grep -E '^[<>]' | sed 's/^</  before only:/; s/^>/  now only:   /'
		exit 1
	fi
	;;
*) die "usage: $0 snapshot | diff <baseline>" ;;
esac
