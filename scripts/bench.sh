#!/usr/bin/env bash
# The benchmarks on a fresh machine: dependencies, Docker + Compose v2 + stand-in images, Node 24, a
# private kwok Kubernetes test cluster (scripts/k8s/setup.sh, its own name bench-<pid>, deleted at exit;
# with the real node when the k8s-app measure runs), then bench/run.ts (provision-compose + post vs raw
# docker compose on two stacks, wait-ready's detection latency, each action's start-up and bundle size,
# deploy-namespace + post vs raw kubectl + helm, the sweep, the fingerprint's cost, the example app on the
# real node through the actions vs by hand and vcluster create-to-ready), which prints a table and
# overwrites docs/benchmarks.md (or --out FILE).
# Options go to bench/run.ts: npm run bench -- --help
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh
prepare_all

# The k8s, sweep and latency (its rollout row) measures need a cluster: brought up unless --only picks
# none of them, or for --help.
want_k8s=1
want_helm=1
# The real node (one per host, serialised by a lock) only for the k8s-app measure.
want_node=1
prev=""
for arg in "$@"; do
	only=""
	case "$arg" in
	-h | --help) want_k8s="" ;;
	--only=*) only="${arg#--only=}" ;;
	*) [ "$prev" = --only ] && only="$arg" ;;
	esac
	if [ -n "$only" ]; then
		case ",$only," in
		*,k8s,* | *,sweep,* | *,k8s-app,* | *,latency,*) ;;
		*) want_k8s="" ;;
		esac
		case ",$only," in
		*,k8s-app,*) ;;
		*) want_node="" ;;
		esac
		case ",$only," in
		*,fingerprint,*) ;;
		*) want_helm="" ;;
		esac
	fi
	prev="$arg"
done

if [ -n "$want_k8s" ]; then
	export EPHEMERAL_K8S_CLUSTER="bench-$$"
	if [ -n "$want_node" ]; then export EPHEMERAL_K8S_REAL_NODE=1 EPHEMERAL_K8S_OWNER_PID=$$; fi
	# shellcheck disable=SC2064 # the name is fixed now
	trap "bash scripts/k8s/cluster.sh down '$EPHEMERAL_K8S_CLUSTER' >&2 || true" EXIT
	trap 'exit 130' INT TERM
	setup_dir="$(mktemp -d)"
	t0=$(date +%s%N)
	bash scripts/k8s/setup.sh "$EPHEMERAL_K8S_CLUSTER" >"$setup_dir/exports" 2>"$setup_dir/log" &
	setup_pid=$!
	tail -n +1 -f --pid="$setup_pid" "$setup_dir/log" >&2 &
	tail_pid=$!
	setup_rc=0
	wait "$setup_pid" || setup_rc=$?
	t1=$(date +%s%N)
	wait "$tail_pid" || true
	[ "$setup_rc" -eq 0 ] || {
		echo "[bench] scripts/k8s/setup.sh failed ($setup_rc)" >&2
		exit 1
	}
	eval "$(cat "$setup_dir/exports")"
	setup_log="$setup_dir/log"
	EPHEMERAL_BENCH_K8S_SETUP_MS=$(((t1 - t0) / 1000000))
	EPHEMERAL_BENCH_K8S_SETUP_LINE="$(grep -o 'k8s test cluster .* set-up in .*' "$setup_log" | tail -n 1 || true)"
	rm -rf "$setup_dir"
	export EPHEMERAL_BENCH_K8S_SETUP_MS EPHEMERAL_BENCH_K8S_SETUP_LINE
	npx tsx bench/run.ts "$@"
else
	# The fingerprint measure's lock-rendered row runs Helm 3: from the k8s tools cache (built once, by
	# version, under flock), without a cluster.
	if [ -n "$want_helm" ] && [ -z "${EPHEMERAL_HELM3:-}" ]; then
		k8s_bin="$(bash scripts/k8s/build-tools.sh | tail -n 1)"
		export EPHEMERAL_HELM3="$k8s_bin/helm3"
	fi
	exec npx tsx bench/run.ts "$@"
fi
