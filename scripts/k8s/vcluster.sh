#!/usr/bin/env bash
# vcluster on the test cluster's real node, without a registry: the CLI and syncer built from the
# module proxy (build-node-tools.sh), the chart from the module zip, local images (node-images.sh).
#
#   env             print the exports tests use (also printed by `cluster.sh up --real-node`):
#                     EPHEMERAL_VCLUSTER          the vcluster CLI (v$VCLUSTER_VERSION)
#                     EPHEMERAL_VCLUSTER_CHART    chart dir: pass as --local-chart-dir (a hidden flag;
#                                                 release builds embed the chart instead)
#                     EPHEMERAL_VCLUSTER_VALUES   values file: local images (pull policy Never), no
#                                                 persistence, pods on the real node, telemetry off
#                     EPHEMERAL_VCLUSTER_CONFIG   CLI config (helm driver, telemetry off): pass as --config
#                     VCLUSTER_SKIP_VERSION_CHECK=true  (the CLI would ask the internet for a newer version)
#   values          write the values file and print its path
#   smoke [NS]      create a vcluster in namespace NS (default vc-smoke-<pid>) on the running cluster,
#                   wait until it is Ready, connect to it through its Service's ClusterIP, run a
#                   Deployment through it (a real pod on the real node, readiness probe passed), then
#                   delete it; prints each step's time. Needs `cluster.sh up --real-node` and KUBECONFIG.
#
# The commands tests should run (argv, no shell):
#   vcluster create NAME -n NS --connect=false --background-proxy=false --add=false \
#       --local-chart-dir "$EPHEMERAL_VCLUSTER_CHART" -f "$EPHEMERAL_VCLUSTER_VALUES" --config "$EPHEMERAL_VCLUSTER_CONFIG"
#   vcluster connect NAME -n NS --print --server https://<ClusterIP of Service NAME in NS>:443 --config ...
#     (stdout is the kubeconfig; without --server the CLI port-forwards and mixes kubectl's
#      "Forwarding from" lines into stdout)
#   vcluster delete NAME -n NS --config ...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
k8s_paths

VC="$K8S_BIN/vcluster"
CHART="$K8S_DIR/vcluster-chart"
VALUES="$K8S_DIR/vcluster-values.yaml"
CONFIG="$K8S_DIR/vcluster-cli.json"

write_values() {
	cat >"$VALUES.tmp" <<EOF
# Written by scripts/k8s/vcluster.sh: vcluster $VCLUSTER_VERSION on the test cluster's real node.
controlPlane:
  distro:
    k8s:
      enabled: true
      imagePullPolicy: Never
      image: {registry: "", repository: ephemeral-k8s/vcluster-k8s, tag: "$K8S_VERSION"}
  statefulSet:
    imagePullPolicy: Never
    image: {registry: "", repository: ephemeral-k8s/vcluster-syncer, tag: "${VCLUSTER_VERSION#v}"}
    persistence:
      volumeClaim: {enabled: false}
    scheduling:
      nodeSelector: {$NODE_LABEL: "true"}
      tolerations: [{key: $NODE_TAINT_KEY, operator: Equal, value: "true", effect: NoSchedule}]
  coredns:
    enabled: true
    deployment:
      image: "ephemeral-k8s/coredns:${COREDNS_VERSION#v}"
sync:
  toHost:
    pods:
      enforceTolerations: ["$NODE_TAINT_KEY=true:NoSchedule"]
      rewriteHosts: {enabled: false}
  fromHost:
    nodes:
      enabled: true
      selector:
        labels: {$NODE_LABEL: "true"}
telemetry:
  enabled: false
EOF
	mv -f "$VALUES.tmp" "$VALUES"
	printf '{"telemetryDisabled":true,"driver":{"type":"helm"}}\n' >"$CONFIG"
}

case "${1:-}" in
env)
	write_values
	printf 'export EPHEMERAL_VCLUSTER=%q\n' "$VC"
	printf 'export EPHEMERAL_VCLUSTER_CHART=%q\n' "$CHART"
	printf 'export EPHEMERAL_VCLUSTER_VALUES=%q\n' "$VALUES"
	printf 'export EPHEMERAL_VCLUSTER_CONFIG=%q\n' "$CONFIG"
	printf 'export VCLUSTER_SKIP_VERSION_CHECK=true\n'
	;;
values)
	write_values
	printf '%s\n' "$VALUES"
	;;
smoke) ;;
*) die "usage: $0 env | values | smoke [NAMESPACE]" ;;
esac
[ "${1:-}" = smoke ] || exit 0

# --- smoke ---------------------------------------------------------------------------------------------
k8s_require_node_bins
[ -r "${KUBECONFIG:-}" ] || die "KUBECONFIG is not set: eval \"\$(scripts/k8s/cluster.sh up --real-node)\" first"
export PATH="$K8S_BIN:$PATH" VCLUSTER_SKIP_VERSION_CHECK=true
write_values
NS="${2:-vc-smoke-$$}"
VNAME=vc
T0=$(now_ms)
WORK="$(mktemp -d)"
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" HELM_DATA_HOME="$WORK/helm/data"
cleanup() {
	"$VC" delete "$VNAME" -n "$NS" --config "$CONFIG" >/dev/null 2>&1 || true
	kubectl delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
step() { log "vcluster smoke: $1 ($(elapsed "$2"))"; }
fail() {
	kubectl get pods -n "$NS" -o wide >&2 2>/dev/null || true
	die "vcluster smoke failed: $*"
}

t=$(now_ms)
"$VC" create "$VNAME" -n "$NS" --connect=false --background-proxy=false --add=false \
	--local-chart-dir "$CHART" -f "$VALUES" --config "$CONFIG" >"$WORK/create.log" 2>&1 ||
	{ cat "$WORK/create.log" >&2; fail "vcluster create"; }
# (no persistence: the chart runs the control plane as a Deployment, not a StatefulSet)
kubectl rollout status deployment/"$VNAME" -n "$NS" --timeout=180s >/dev/null 2>&1 ||
	{ kubectl logs -n "$NS" -l "app=vcluster,release=$VNAME" --tail=30 >&2 2>/dev/null || true; fail "the vcluster's control plane (Deployment $NS/$VNAME) did not become Ready in 180 s"; }
step "created and Ready" "$t"

t=$(now_ms)
ip="$(kubectl get service "$VNAME" -n "$NS" -o jsonpath='{.spec.clusterIP}')"
[ -n "$ip" ] || fail "no ClusterIP on Service $NS/$VNAME"
"$VC" connect "$VNAME" -n "$NS" --print --server "https://$ip:443" --config "$CONFIG" >"$WORK/vc.kubeconfig" 2>"$WORK/connect.log" ||
	{ cat "$WORK/connect.log" >&2; fail "vcluster connect --print"; }
vk() { kubectl --kubeconfig "$WORK/vc.kubeconfig" --request-timeout=20s "$@"; }
ok=""
for _ in $(seq 1 60); do
	[ "$(vk get --raw /readyz 2>/dev/null)" = ok ] && ok=1 && break
	sleep 0.5
done
[ -n "$ok" ] || fail "the virtual API server at https://$ip:443 did not answer /readyz"
step "connected through https://$ip:443 ($(vk version -o json | awk -F'"' '/"serverVersion"/ {s = 1} s && /gitVersion/ {print $4; exit}'))" "$t"

t=$(now_ms)
vk create namespace web >/dev/null
vk apply -n web -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: httpd}
spec:
  replicas: 1
  selector: {matchLabels: {app: httpd}}
  template:
    metadata: {labels: {app: httpd}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: busybox:1.35
        imagePullPolicy: Never
        command: ["sh", "-c", "echo smoke-ok > /tmp/index.html && exec httpd -f -p 8080 -h /tmp"]
        readinessProbe:
          httpGet: {path: /index.html, port: 8080}
          periodSeconds: 1
EOF
vk rollout status deployment/httpd -n web --timeout=180s >/dev/null ||
	fail "the Deployment inside the vcluster did not roll out in 180 s"
node="$(kubectl get pods -n "$NS" -l app=httpd -o jsonpath='{.items[0].spec.nodeName}')"
[ "$node" = "$NODE_NAME" ] || fail "the synced pod runs on '$node', not on the real node $NODE_NAME"
pod="$(vk get pods -n web -l app=httpd -o jsonpath='{.items[0].metadata.name}')"
out="$(vk exec -n web "$pod" -- wget -qO- http://127.0.0.1:8080/index.html)"
[ "$out" = smoke-ok ] || fail "exec into the pod through the vcluster answered '$out'"
step "a Deployment through the vcluster: pod Ready on $node, exec answered" "$t"

t=$(now_ms)
"$VC" delete "$VNAME" -n "$NS" --config "$CONFIG" >"$WORK/delete.log" 2>&1 || { cat "$WORK/delete.log" >&2; fail "vcluster delete"; }
kubectl delete namespace "$NS" --ignore-not-found --timeout=120s >/dev/null || fail "namespace $NS was not deleted in 120 s"
step "deleted (with its namespace)" "$t"
log "vcluster smoke passed in $(elapsed "$T0")"
