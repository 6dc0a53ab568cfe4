#!/usr/bin/env bash
# The whole test suite on a fresh machine: dependencies, Docker engine + Compose v2 + stand-in images
# (scripts/machine/setup.sh), Node 24, a Kubernetes test cluster (scripts/k8s/setup.sh), then typecheck,
# lint, unit, contract, integration and k8s tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh
prepare_all
# A real Kubernetes control plane for the k8s project, with a kwok node and a real node (tools built
# once into a cache outside the repository). Deleted when the run ends, whatever its result.
# Its own cluster name, so a run never takes down a cluster another run on this machine is using; one
# real node per host: a second run waits for the first (bounded, says so). If the real node cannot
# start, set-up fails and says why.
export EPHEMERAL_K8S_CLUSTER="${EPHEMERAL_K8S_CLUSTER:-test-$$}"
# The real node only when the run includes the k8s project (no --project, or --project k8s): a run of
# other projects then never waits for another run's node.
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
  for p in "${projects[@]}"; do [ "$p" != k8s ] || real_node=1; done
fi
export EPHEMERAL_K8S_REAL_NODE="${EPHEMERAL_K8S_REAL_NODE:-$real_node}" EPHEMERAL_K8S_OWNER_PID=$$
# (stderr kept: a down that could not restore the host says so)
trap 'bash scripts/k8s/cluster.sh down >/dev/null || true' EXIT
# An assignment, so a failed set-up stops the run here (set -e ignores a failing $(…) inside eval).
k8s_env="$(bash scripts/k8s/setup.sh)"
eval "$k8s_env"
npm run --silent typecheck
npm run --silent lint
mkdir -p .cache
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json "$@" || status=$?
# Down here, not only in the trap: a host the real node did not leave as it found it fails the run.
trap - EXIT
bash scripts/k8s/cluster.sh down >/dev/null || { echo "[k8s] the test cluster's down failed (above): the host is not as it was" >&2; status=1; }
# One plain closing line that any CI can read: "N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest-results.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit "$status"
