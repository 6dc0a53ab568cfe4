#!/usr/bin/env bash
# Smoke test of the running kwok test cluster (scripts/k8s/cluster.sh up). Fails early, naming the
# component that is missing or not working:
#   0. every tool binary is there; the API server answers /readyz (etcd included) with the pinned
#      version; a kwok node is Ready
#   1. a 2-replica Deployment rolls out (`kubectl rollout status`) within 60 s: on the way it checks
#      for the ReplicaSet and pods (kube-controller-manager), their node (kube-scheduler) and their
#      readiness (kwok controller)
#   2. its namespace is deleted within 60 s (namespace controller + kwok's pod-delete stage)
#   3. helm v3 `upgrade --install --atomic --wait` and helm v4 `upgrade --install
#      --rollback-on-failure --wait` of tools/k8s/smoke-chart succeed (install, then an upgrade), and
#      `helm uninstall --wait` removes the release
#   4. with --rollback (or SMOKE_ROLLBACK=1): an upgrade that cannot become ready (unsatisfiable
#      nodeSelector) fails after 10 s and is rolled back to the last good revision, for both helms
#
# Usage: scripts/k8s/smoke.sh [--rollback] [NAME]
# Uses $KUBECONFIG when set, else the kubeconfig of cluster NAME (default: ephemeral).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROLLBACK="${SMOKE_ROLLBACK:-}"
NAME="${EPHEMERAL_K8S_CLUSTER:-ephemeral}"
for a in "$@"; do
	case "$a" in
	--rollback) ROLLBACK=1 ;;
	-*) die "usage: $0 [--rollback] [NAME]" ;;
	*) NAME="$a" ;;
	esac
done
k8s_cluster_paths "$NAME"
k8s_paths
T0=$(now_ms)
RESULTS=()
pass() { # pass <check> <start_ms>
	local s
	s="$(secs "$2" "$(now_ms)")"
	RESULTS+=("$1")
	log "ok: $1 (${s}s)"
}
fail() { # fail <component> <message>
	printf '[k8s] SMOKE FAILED [%s]: %s\n' "$1" "$2" >&2
	exit 1
}

# --- 0. tools, API server, node -------------------------------------------------------------------------
t=$(now_ms)
for spec in "${K8S_REQUIRED_BINS[@]}"; do
	IFS='|' read -r f what <<<"$spec"
	[ -x "$K8S_BIN/$f" ] || fail "$what" "$K8S_BIN/$f is missing; run scripts/k8s/build-tools.sh"
done
export PATH="$K8S_BIN:$PATH"
export KUBECONFIG="${KUBECONFIG:-$K8S_KUBECONFIG}"
[ -r "$KUBECONFIG" ] || fail "cluster" "no kubeconfig at $KUBECONFIG: run scripts/k8s/cluster.sh up $NAME"
WORK="$(mktemp -d)"
# helm and kubectl keep their caches and config in a throw-away dir, not in ~.
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" HELM_DATA_HOME="$WORK/helm/data"
export KUBECACHEDIR="$WORK/kube-cache"
NAMESPACES=()
cleanup() {
	local ns
	for ns in "${NAMESPACES[@]}"; do
		kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null 2>&1 || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

# Our own cluster (cluster.sh up): each component's process must be alive (kwokctl's pid files).
if [ "$KUBECONFIG" = "$K8S_KUBECONFIG" ] && [ -d "$K8S_CLUSTER_DIR/pids" ]; then
	for c in $(k8s_dead_components); do
		fail "$c" "the $c process of cluster $NAME is not running (log: $K8S_CLUSTER_DIR/logs/$c.log); scripts/k8s/cluster.sh up $NAME recreates the cluster"
	done
fi
server="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' 2>/dev/null || true)"
if ! readyz="$(kubectl get --raw '/readyz?verbose' --request-timeout=10s 2>&1)"; then
	if [[ "$readyz" == *etcd* ]]; then
		fail "etcd" "kube-apiserver at $server is not ready because of etcd: $(printf '%s\n' "$readyz" | grep -m1 etcd)"
	fi
	fail "kube-apiserver" "no ready API server at ${server:-?}: $(printf '%s' "$readyz" | tail -n 1)"
fi
v="$(kubectl version -o json | awk -F'"' '/"serverVersion"/ {s = 1} s && /gitVersion/ {print $4; exit}')"
[ "$v" = "$K8S_VERSION" ] || fail "kube-apiserver" "reports version '$v', expected $K8S_VERSION"
nodes="$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}')"
[ -n "$nodes" ] || fail "kwok node" "the cluster has no node (kwokctl scale node --name $NAME --replicas 1)"
grep -q '=True$' <<<"$nodes" || fail "kwok controller" "no node is Ready ($(tr '\n' ' ' <<<"$nodes")): the kwok controller is not running"
pass "API server $v ready, node Ready ($server)" "$t"

# --- 1. Deployment rollout ----------------------------------------------------------------------------
SUFFIX="$$-$RANDOM"
NS="smoke-$SUFFIX"
NAMESPACES+=("$NS")
kubectl create namespace "$NS" >/dev/null
t=$(now_ms)
kubectl apply -n "$NS" -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: smoke
spec:
  replicas: 2
  selector:
    matchLabels: {app: smoke}
  template:
    metadata:
      labels: {app: smoke}
    spec:
      containers:
        - name: app
          image: busybox:1.35
          command: ["sleep", "infinity"]
EOF
wait_for() { # wait_for <seconds> <command...>: true as soon as the command prints something
	local end=$(($(now_ms) + $1 * 1000))
	shift
	while [ "$(now_ms)" -lt "$end" ]; do
		[ -n "$("$@" 2>/dev/null)" ] && return 0
		sleep 0.25
	done
	return 1
}
wait_for 20 kubectl get replicasets -n "$NS" -l app=smoke -o name ||
	fail "kube-controller-manager" "no ReplicaSet for the Deployment after 20 s (deployment controller)"
wait_for 20 kubectl get pods -n "$NS" -l app=smoke -o name ||
	fail "kube-controller-manager" "the ReplicaSet created no pods after 20 s (replicaset controller; is the default ServiceAccount there?)"
wait_for 20 kubectl get pods -n "$NS" -l app=smoke -o jsonpath='{.items[*].spec.nodeName}' ||
	fail "kube-scheduler" "pods are not scheduled to a node after 20 s"
left=$((60 - ($(now_ms) - t) / 1000))
if ! kubectl rollout status deployment/smoke -n "$NS" --timeout="${left}s" >/dev/null; then
	kubectl get pods -n "$NS" -o wide >&2 || true
	fail "kwok controller" "the Deployment did not roll out within 60 s: its pods were scheduled but never became Ready"
fi
pass "Deployment rollout (2 replicas, kubectl rollout status)" "$t"

# --- 2. namespace deletion ----------------------------------------------------------------------------
t=$(now_ms)
if ! kubectl delete namespace "$NS" --wait --timeout=60s >/dev/null; then
	kubectl get pods -n "$NS" >&2 || true
	fail "kube-controller-manager" "namespace $NS still exists (Terminating) after 60 s: namespace controller or kwok's pod-delete stage not working"
fi
kubectl get namespace "$NS" >/dev/null 2>&1 && fail "kube-controller-manager" "namespace $NS still exists after delete --wait"
pass "namespace deletion (with a Deployment and its pods)" "$t"

# --- 3./4. helm v3 and v4 -------------------------------------------------------------------------------
CHART="$K8S_TOOLS_SRC/smoke-chart"
helm_check() { # helm_check <3|4>
	local major="$1" helm="$K8S_BIN/helm$1" atomic ns rel t hv rev
	if [ "$major" = 3 ]; then atomic=--atomic; else atomic=--rollback-on-failure; fi
	hv="$("$helm" version --template '{{.Version}}')"
	ns="smoke-helm$major-$SUFFIX"
	rel="smoke$major"
	NAMESPACES+=("$ns")
	t=$(now_ms)
	"$helm" upgrade --install "$rel" "$CHART" -n "$ns" --create-namespace "$atomic" --wait --timeout 60s >"$WORK/helm$major.log" 2>&1 ||
		{ cat "$WORK/helm$major.log" >&2; fail "helm $hv" "helm upgrade --install $atomic --wait failed"; }
	"$helm" upgrade --install "$rel" "$CHART" -n "$ns" "$atomic" --wait --timeout 60s --set replicas=3 --set message=upgraded >>"$WORK/helm$major.log" 2>&1 ||
		{ cat "$WORK/helm$major.log" >&2; fail "helm $hv" "helm upgrade (revision 2) $atomic --wait failed"; }
	[ "$(kubectl get deployment "$rel" -n "$ns" -o jsonpath='{.status.readyReplicas}')" = 3 ] ||
		fail "helm $hv" "after the upgrade the Deployment does not have 3 ready replicas"
	[ "$(kubectl get configmap "$rel-config" -n "$ns" -o jsonpath='{.data.kubeVersion}')" = "$K8S_VERSION" ] ||
		fail "helm $hv" ".Capabilities.KubeVersion is not $K8S_VERSION"
	pass "helm $hv upgrade --install $atomic --wait (install + upgrade)" "$t"
	if [ -n "$ROLLBACK" ]; then
		t=$(now_ms)
		if "$helm" upgrade "$rel" "$CHART" -n "$ns" "$atomic" --wait --timeout 10s --reuse-values \
			--set-string nodeSelector.smoke=unsatisfiable >>"$WORK/helm$major.log" 2>&1; then
			fail "helm $hv" "an upgrade whose pods cannot be scheduled succeeded"
		fi
		rev="$("$helm" history "$rel" -n "$ns" -o json | tr '{' '\n' | grep -c '"status":"deployed"' || true)"
		[ "$rev" = 1 ] && [ -z "$(kubectl get deployment "$rel" -n "$ns" -o jsonpath='{.spec.template.spec.nodeSelector}')" ] ||
			fail "helm $hv" "the failed upgrade was not rolled back ($("$helm" history "$rel" -n "$ns" 2>&1 | tail -n 3))"
		pass "helm $hv failed upgrade rolled back ($atomic, 10 s timeout)" "$t"
	fi
	t=$(now_ms)
	"$helm" uninstall "$rel" -n "$ns" --wait --timeout 60s >>"$WORK/helm$major.log" 2>&1 ||
		{ cat "$WORK/helm$major.log" >&2; fail "helm $hv" "helm uninstall --wait failed"; }
	[ -z "$(kubectl get deployment,service,configmap -n "$ns" -l "app.kubernetes.io/instance=$rel" -o name)" ] ||
		fail "helm $hv" "objects of the release remain after uninstall"
	kubectl delete namespace "$ns" --wait=false >/dev/null
	pass "helm $hv uninstall --wait" "$t"
}
helm_check 3
helm_check 4

log "smoke test of cluster $NAME passed in $(elapsed "$T0") (${#RESULTS[@]} checks)"
