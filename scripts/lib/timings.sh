# shellcheck shell=bash
# The time of each component of a test run, printed as one line per component at its end (scripts/test.sh):
# the set-up steps (timed here; the k8s set-up's and the cluster down's own detail lines kept from their
# logs) and each vitest project (from vitest's JSON report: the sum of its files' durations, and the span
# from its first file's start to its last file's end: files run in parallel).
#
#   timing_start; step...; timing_end "name"      # a step's wall time
#   timing_record "name" <ms>                     # a step timed elsewhere (a background job)
#   timing_note "line"                            # a detail line
#   timing_lines LOG LAST ERE                      # detail lines from a step's log
#   timing_summary .cache/vitest-results.json     # prints the lines, then the projects

TIMINGS=()

timing_now() { date +%s%3N; }

timing_start() { TIMING_T=$(timing_now); }

# timing_end <name>: records the time since timing_start.
timing_end() { timing_record "$1" $(($(timing_now) - TIMING_T)); }

# timing_record <name> <ms>: records a duration measured elsewhere.
timing_record() {
	TIMINGS+=("$(printf '%-28s %7.1fs' "$1" "$(echo "$2" | awk '{print $1/1000}')")")
}

timing_note() { TIMINGS+=("  $1"); }

# timing_lines <log> <last line's pattern> <ERE>: notes the log's lines matching ERE, once the last line
# is there (a log written by tee in the background: waits at most 5 s, never for tee itself).
timing_lines() {
	local line
	for _ in $(seq 1 50); do
		grep -qE "$2" "$1" 2>/dev/null && break
		sleep 0.1
	done
	while IFS= read -r line; do timing_note "$line"; done < <(grep -oE "$3" "$1" || true)
}

# timing_summary <vitest JSON report>
timing_summary() {
	echo "[timing] per component (this run):"
	local line
	for line in "${TIMINGS[@]}"; do echo "[timing] $line"; done
	[ -f "$1" ] || return 0
	node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const by = {};
    for (const t of r.testResults) {
      const m = /\/test\/([^/]+)\//.exec(t.name); const p = m ? m[1] : "other";
      const e = (by[p] ??= { files: 0, sum: 0, start: Infinity, end: 0 });
      e.files++; e.sum += t.endTime - t.startTime; e.start = Math.min(e.start, t.startTime); e.end = Math.max(e.end, t.endTime);
    }
    for (const [p, e] of Object.entries(by))
      console.log(`[timing] vitest ${p.padEnd(21)} ${((e.end - e.start) / 1000).toFixed(1).padStart(7)}s span, ${(e.sum / 1000).toFixed(1)}s in ${e.files} file(s)`);
  ' "$1" || true
}
