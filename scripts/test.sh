#!/usr/bin/env bash
# The whole test suite on a fresh machine: dependencies, Docker engine + Compose v2 + stand-in images
# (scripts/machine/setup.sh), Node 24, a Kubernetes test cluster (scripts/k8s/setup.sh), then typecheck,
# lint, unit, contract, integration, k8s and act tests.
#
# Without arguments (npm test, CI) the cluster's set-up, mostly Go builds on a cold machine, overlaps the
# work that needs no cluster:
#   1. prepare (deps, machine: scripts/lib/prepare.sh prepare_machine)
#   2. scripts/k8s/setup.sh in the background (its lines prefixed "[k8s set-up]"), and meanwhile the
#      registry binary (prepare_registry), typecheck, lint, the act binary (scripts/tools/build.sh act) and
#      vitest --project unit --project contract --project integration
#   3. wait for the set-up; if it failed, the run fails and says why (k8s and act are not run)
#   4. vitest --project k8s --project act with the cluster's exports
#   5. the cluster's down (a host the real node did not leave as it found it fails the run)
# Both vitest reports are merged into .cache/vitest-results.json (timing summary, closing line).
# With arguments (`npm test -- --project unit`, a file filter, ...) the run is sequential, as before:
# set-up, typecheck, lint, one vitest run with the arguments. EPHEMERAL_TEST_OVERLAP=0 makes a run
# without arguments sequential too (to compare). test/unit/test-run.test.ts runs this script in a
# throw-away tree with stand-ins for the set-up, the cluster's down, npm's scripts and vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prepare.sh
source scripts/lib/timings.sh
source scripts/lib/k8s-background.sh
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
overlap=0
[ "$#" -gt 0 ] || [ "${EPHEMERAL_TEST_OVERLAP:-1}" = 0 ] || overlap=1
timing_start
if [ "$overlap" = 1 ]; then prepare_machine; else prepare_all; fi
timing_end "prepare (deps, machine)"

# On any exit: stop a set-up still running (its whole process group), then the cluster's down.
# (stderr kept: a down that could not restore the host says so)
# shellcheck disable=SC2317 # (called by the trap)
cleanup() {
  k8s_bg_stop
  bash scripts/k8s/cluster.sh down >/dev/null || true
}
# (bash runs the EXIT trap on INT, TERM and HUP too)
trap cleanup EXIT
mkdir -p .cache
rm -f .cache/vitest-results*.json
k8s_log="$(mktemp)"
status=0

# vitest_run <report> <args...>: one vitest run with the default and JSON reporters; its status in $status.
vitest_run() {
  local out="$1"
  shift
  npx vitest run --reporter=default --reporter=json --outputFile.json="$out" "$@" || status=1
}

# typecheck, then lint, each timed (a failure stops the run: set -e)
static_checks() {
  timing_start
  npm run --silent typecheck
  timing_end "typecheck"
  timing_start
  npm run --silent lint
  timing_end "lint"
}

# The set-up's own detail lines (the real node's start, the set-up's steps) from its log.
setup_timing_lines() {
  timing_lines "$k8s_log" 'set-up in' '(real node .* Ready in .*|k8s test cluster .* set-up in .*)'
}

if [ "$overlap" = 1 ]; then
  t_bg=$(timing_now)
  k8s_bg_start .cache/k8s-env "$k8s_log"
  echo "[test] k8s set-up started in the background (pid $K8S_BG_PID; its lines are prefixed [k8s set-up]); meanwhile the registry and act binaries, typecheck, lint, unit, contract, integration"
  t_part1=$(timing_now)
  # The integration tests' registry binary (scripts/tools/build.sh registry) needs no cluster either.
  timing_start
  prepare_registry
  timing_end "registry binary"
  static_checks
  # The act suite's binary (minutes to build cold) needs no cluster: built now, its global set-up finds it.
  timing_start
  bash scripts/tools/build.sh act >/dev/null || echo "[test] building act failed (above): the act suite will say so" >&2
  timing_end "act binary"
  timing_start
  vitest_run .cache/vitest-results.part1.json --project unit --project contract --project integration
  timing_end "vitest (no cluster)"
  t_part1_end=$(timing_now)
  timing_record "part 1 (beside the set-up)" $((t_part1_end - t_part1))
  timing_start
  setup_rc=0
  k8s_bg_wait || setup_rc=$?
  timing_end "waiting for the k8s set-up"
  bg_start="${K8S_BG_START_MS:-$t_bg}" bg_end="${K8S_BG_END_MS:-$(timing_now)}"
  timing_record "k8s set-up (background)" $((bg_end - bg_start))
  # The time both ran: from the later start to the earlier end.
  both=$(((t_part1_end < bg_end ? t_part1_end : bg_end) - (t_part1 > bg_start ? t_part1 : bg_start)))
  timing_record "overlap (set-up + part 1)" $((both > 0 ? both : 0))
  setup_timing_lines
  if [ "$setup_rc" != 0 ]; then
    echo "[test] the k8s test cluster's set-up failed (exit $setup_rc): k8s and act were not run. The end of its log (all of it above, prefixed [k8s set-up]):" >&2
    tail -n 20 "$k8s_log" | sed 's/^/  /' >&2
    status=1
  else
    eval "$(cat .cache/k8s-env)"
    timing_start
    vitest_run .cache/vitest-results.part2.json --project k8s --project act
    timing_end "vitest (k8s, act)"
  fi
  parts=(.cache/vitest-results.part1.json)
  [ "$setup_rc" != 0 ] || parts+=(.cache/vitest-results.part2.json)
  node scripts/lib/vitest-merge.mjs .cache/vitest-results.json "${parts[@]}" || status=1
else
  timing_start
  # A failed set-up stops the run here (set -e). Its log also goes to a file, for the timing summary's
  # detail lines (read once tee has written them: bounded, tee is never waited for).
  bash scripts/k8s/setup.sh >.cache/k8s-env 2> >(tee "$k8s_log" >&2)
  k8s_env="$(cat .cache/k8s-env)"
  timing_end "k8s set-up"
  setup_timing_lines
  eval "$k8s_env"
  static_checks
  timing_start
  vitest_run .cache/vitest-results.json "$@"
  timing_end "vitest (all projects)"
fi
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
