#!/usr/bin/env bash
# The whole test suite on a fresh machine: dependencies, Docker engine + Compose v2 + stand-in images
# (scripts/machine/setup.sh), Node 24, a Kubernetes test cluster (scripts/k8s/setup.sh), then typecheck,
# lint, unit, contract, integration and k8s tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh
source scripts/lib/timings.sh
timing_start
prepare_all
timing_end "prepare (deps, machine)"
# A real Kubernetes control plane for the k8s project, with a kwok node and a real node (tools built
# once into a cache outside the repository). Deleted when the run ends, whatever its result.
# Its own cluster name, so a run never takes down a cluster another run on this machine is using; one
# real node per host: a second run waits for the first (bounded, says so). If the real node cannot
# start, set-up fails and says why.
export EPHEMERAL_K8S_CLUSTER="${EPHEMERAL_K8S_CLUSTER:-test-$$}"
# The real node only when the run includes the k8s or the act project (no --project, --project k8s or
# --project act: the README's Kubernetes app workflows run on it under act): a run of other projects then
# never waits for another run's node. In a whole run both projects share the one cluster.
real_node=1
projects=()
prev=""
for a in "$@"; do
  case "$a" in --project=*) projects+=("${a#--project=}") ;; esac
  [ "$prev" != --project ] || projects+=("$a")
  prev="$a"
done
if [ "${#projects[@]}" -gt 0 ]; then
  real_node=0
  for p in "${projects[@]}"; do [ "$p" != k8s ] && [ "$p" != act ] || real_node=1; done
fi
export EPHEMERAL_K8S_REAL_NODE="${EPHEMERAL_K8S_REAL_NODE:-$real_node}" EPHEMERAL_K8S_OWNER_PID=$$
# (stderr kept: a down that could not restore the host says so)
trap 'bash scripts/k8s/cluster.sh down >/dev/null || true' EXIT
mkdir -p .cache
k8s_log="$(mktemp)"
timing_start
# A failed set-up stops the run here (set -e). Its log also goes to a file, for the timing summary's
# detail lines (read once tee has written them: bounded, tee is never waited for).
bash scripts/k8s/setup.sh >.cache/k8s-env 2> >(tee "$k8s_log" >&2)
k8s_env="$(cat .cache/k8s-env)"
timing_end "k8s set-up"
timing_lines "$k8s_log" 'set-up in' '(real node .* Ready in .*|k8s test cluster .* set-up in .*)'
eval "$k8s_env"
timing_start
npm run --silent typecheck
timing_end "typecheck"
timing_start
npm run --silent lint
timing_end "lint"
status=0
timing_start
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json "$@" || status=$?
timing_end "vitest (all projects)"
# Down here, not only in the trap: a host the real node did not leave as it found it fails the run.
trap - EXIT
timing_start
bash scripts/k8s/cluster.sh down >/dev/null 2> >(tee "$k8s_log" >&2) || { echo "[k8s] the test cluster's down failed (above): the host is not as it was" >&2; status=1; }
timing_end "k8s down"
timing_lines "$k8s_log" 'cluster .* down in' '(real node down in [^;]*|cluster .* down in [^(]*)'
rm -f "$k8s_log"
timing_summary .cache/vitest-results.json
# One plain closing line that any CI can read: "N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest-results.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit "$status"
