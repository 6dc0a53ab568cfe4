/**
 * scripts/test.sh's control flow (`npm test`), run for real in a throw-away tree of the same shape: the
 * script and its libraries (timings, the background set-up, the report merge) are the repository's; the
 * machine preparation, scripts/k8s/setup.sh, scripts/k8s/cluster.sh, scripts/tools/build.sh, npm's
 * typecheck/lint scripts and vitest are stand-ins that append what they saw to an events file. Without arguments the cluster's
 * set-up runs beside typecheck, lint and the projects that need no cluster (the stand-in set-up waits
 * until the first vitest run has started: a sequential flow would fail it), k8s and act run after it with
 * its exports; a failed set-up fails the run after the first part's results; an interrupt stops the
 * set-up's whole process group and takes the cluster down; with arguments the run is sequential as before.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/env.js';

const dir = mkdtempSync(join(tmpdir(), 'test-run-'));
const events = join(dir, 'events');
const setupChild = join(dir, 'setup-child.pid');

function put(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
  chmodSync(join(dir, path), mode);
}
for (const f of [
  'scripts/test.sh',
  'scripts/lib/timings.sh',
  'scripts/lib/k8s-background.sh',
  'scripts/lib/vitest-merge.mjs',
]) {
  mkdirSync(dirname(join(dir, f)), { recursive: true });
  copyFileSync(join(repoRoot, f), join(dir, f));
}
put(
  'scripts/lib/prepare.sh',
  ['all', 'machine', 'registry']
    .map((p) => `prepare_${p}() { echo "prepare ${p}" >>"${events}"; }\n`)
    .join(''),
);
// STUB_SETUP: ok (waits until part 1's vitest has started, bounded), fail, hang (with a child process)
put(
  'scripts/k8s/setup.sh',
  `set -eu
echo "setup start real_node=$EPHEMERAL_K8S_REAL_NODE" >>"${events}"
case "$STUB_SETUP" in
ok)
  if [ "\${STUB_WAIT_PART1:-1}" = 1 ]; then
    for i in $(seq 1 1200); do grep -q "^vitest .*unit" "${events}" && break; sleep 0.1; done
    grep -q "^vitest .*unit" "${events}" || { echo "[k8s] ERROR: part 1 never started beside the set-up" >&2; exit 5; }
  fi
  echo "[k8s] k8s test cluster stand-in ready: WARM set-up in 1.0s (tools 0.1s cached, cluster up 0.5s, smoke 0.4s)" >&2
  echo "export STUB_CLUSTER=up" ;;
fail) echo "[k8s] ERROR: the stand-in set-up failed on purpose" >&2; exit 4 ;;
hang) sleep 300 & echo $! >"${setupChild}"; wait ;;
esac
`,
);
put(
  'scripts/k8s/cluster.sh',
  `echo "down $1 cluster=\${STUB_CLUSTER:-}" >>"${events}"
echo "[k8s] cluster $EPHEMERAL_K8S_CLUSTER down in 0.1s" >&2
exit "\${STUB_DOWN_RC:-0}"
`,
);
put('scripts/tools/build.sh', `echo "build $1" >>"${events}"; echo /stand-in/bin/$1\n`);
put(
  'package.json',
  JSON.stringify({
    name: 'stand-in',
    private: true,
    scripts: { typecheck: `echo typecheck >>${events}`, lint: `echo lint >>${events}` },
  }),
);
// vitest: one passing test per project (failing for STUB_FAIL_PROJECT), its report where --outputFile.json says.
put(
  'node_modules/.bin/vitest',
  `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
const projects = [];
let out;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--project') projects.push(args[++i]);
  else if (args[i].startsWith('--outputFile.json=')) out = args[i].slice(18);
}
fs.appendFileSync(${JSON.stringify(events)}, 'vitest ' + projects.join(',') + ' cluster=' + (process.env.STUB_CLUSTER ?? '') + '\\n');
const failed = projects.filter((p) => p === process.env.STUB_FAIL_PROJECT);
const done = () => {
  const r = { numTotalTests: projects.length, numPassedTests: projects.length - failed.length, numFailedTests: failed.length,
    success: failed.length === 0, startTime: Date.now(), snapshot: { total: 0, failure: false },
    testResults: projects.map((p) => ({ name: '/x/test/' + p + '/a.test.ts', startTime: Date.now(), endTime: Date.now() + 1,
      status: failed.includes(p) ? 'failed' : 'passed', assertionResults: [] })) };
  fs.writeFileSync(out, JSON.stringify(r));
  process.exit(failed.length ? 1 : 0);
};
if (projects.includes(process.env.STUB_SLOW_PROJECT)) setTimeout(done, 300000); else done();
`,
  0o755,
);

const lines = () => (existsSync(events) ? readFileSync(events, 'utf8').trim().split('\n') : []);
// The script decides for itself: under `npm test` the outer scripts/test.sh has exported its own
// EPHEMERAL_K8S_REAL_NODE, EPHEMERAL_K8S_CLUSTER and EPHEMERAL_K8S_OWNER_PID (and a caller may set
// EPHEMERAL_TEST_OVERLAP or EPHEMERAL_TOOLS_CACHE), which the script under test would otherwise inherit.
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('EPHEMERAL_')),
);
const env = (extra: Record<string, string>) => ({
  ...inherited,
  STUB_SETUP: 'ok',
  EPHEMERAL_K8S_CLUSTER: 'stand-in',
  ...extra,
});
function run(extra: Record<string, string>, ...args: string[]) {
  const r = spawnSync('bash', ['scripts/test.sh', ...args], {
    cwd: dir,
    env: env(extra),
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

beforeEach(() => rmSync(events, { force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Bounds for a loaded 2-core machine (each run takes seconds when idle); no assertion on time.
describe('npm test without arguments: the set-up beside the work that needs no cluster', {
  timeout: 300_000,
}, () => {
  it('runs unit, contract and integration without the cluster while it is set up, then k8s and act with it', () => {
    const r = run({});
    expect(r.out).not.toContain('part 1 never started');
    expect(r.status).toBe(0);
    expect(lines()).toContain('setup start real_node=1');
    expect(lines()).toContain('vitest unit,contract,integration cluster=');
    expect(lines()).toContain('vitest k8s,act cluster=up');
    expect(lines().filter((l) => l.startsWith('down'))).toEqual(['down down cluster=up']);
    expect(lines()[0]).toBe('prepare machine');
    expect(lines().indexOf('prepare registry')).toBeLessThan(lines().indexOf('typecheck'));
    expect(lines().indexOf('build act')).toBeGreaterThan(lines().indexOf('lint'));
    expect(lines().indexOf('build act')).toBeLessThan(
      lines().indexOf('vitest unit,contract,integration cluster='),
    );
    expect(r.out).toMatch(/^\[k8s set-up\] \[k8s\] k8s test cluster stand-in ready/m);
    expect(r.out).toMatch(/\[timing\] k8s set-up \(background\) +\d/);
    expect(r.out).toMatch(/\[timing\] overlap \(set-up \+ part 1\) +\d/);
    expect(r.out).toMatch(/\[timing\] vitest \(k8s, act\) +\d/);
    expect(r.out).toMatch(/\[timing\] vitest act +[\d.]+s span/);
    expect(r.out).toMatch(/^tests: 5 passed, 0 failed$/m);
    const merged = JSON.parse(readFileSync(join(dir, '.cache/vitest-results.json'), 'utf8'));
    expect(merged).toMatchObject({ numTotalTests: 5, numFailedTests: 0, success: true });
  });

  it('a failed set-up fails the run after the first part, saying why; k8s and act are not run', () => {
    const r = run({ STUB_SETUP: 'fail' });
    expect(r.status).toBe(1);
    expect(lines()).toContain('vitest unit,contract,integration cluster=');
    expect(lines().some((l) => l.startsWith('vitest k8s'))).toBe(false);
    expect(r.out).toMatch(/set-up failed \(exit 4\): k8s and act were not run/);
    expect(r.out.slice(r.out.indexOf('set-up failed (exit 4)'))).toContain('failed on purpose');
    expect(lines().filter((l) => l.startsWith('down'))).toEqual(['down down cluster=']);
    expect(r.out).toMatch(/^tests: 3 passed, 0 failed$/m);
  });

  it('a failing project in the first part still lets k8s and act run, and fails the run', () => {
    const r = run({ STUB_FAIL_PROJECT: 'integration' });
    expect(r.status).toBe(1);
    expect(lines()).toContain('vitest k8s,act cluster=up');
    expect(r.out).toMatch(/^tests: 4 passed, 1 failed$/m);
  });

  it('a down that cannot restore the host fails a run whose tests passed', () => {
    const r = run({ STUB_DOWN_RC: '1' });
    expect(r.status).toBe(1);
    expect(r.out).toContain("the test cluster's down failed");
  });

  it('an interrupt stops the set-up with every process of its group and takes the cluster down', async () => {
    rmSync(setupChild, { force: true });
    const child: ChildProcess = spawn('bash', ['scripts/test.sh'], {
      cwd: dir,
      env: env({ STUB_SETUP: 'hang', STUB_SLOW_PROJECT: 'unit' }),
      detached: true, // its own process group, like a terminal's foreground job
      stdio: 'ignore',
    });
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
    );
    for (
      let i = 0;
      i < 1200 && !(existsSync(setupChild) && lines().some((l) => l.startsWith('vitest unit')));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    const sleeper = Number(readFileSync(setupChild, 'utf8'));
    expect(alive(sleeper)).toBe(true);
    process.kill(-child.pid!, 'SIGINT'); // Ctrl-C: the foreground group (test.sh, vitest), not the set-up's
    expect(await exited).toBe('SIGINT');
    expect(alive(sleeper)).toBe(false);
    expect(lines().filter((l) => l.startsWith('down'))).toEqual(['down down cluster=']);
    expect(lines().some((l) => l.startsWith('vitest k8s'))).toBe(false);
  });
});

describe('npm test without arguments: stopped while it waits for the set-up', { timeout: 300_000 }, () => {
  it('a TERM to the script stops the set-up with every process of its group and takes the cluster down', async () => {
    rmSync(setupChild, { force: true });
    const part1 = join(dir, '.cache/vitest-results.part1.json');
    rmSync(part1, { force: true });
    const child = spawn('bash', ['scripts/test.sh'], {
      cwd: dir,
      env: env({ STUB_SETUP: 'hang' }),
      stdio: 'ignore',
    });
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
    );
    for (let i = 0; i < 1200 && !(existsSync(setupChild) && existsSync(part1)); i++)
      await new Promise((r) => setTimeout(r, 100));
    const sleeper = Number(readFileSync(setupChild, 'utf8'));
    expect(alive(sleeper)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(alive(sleeper)).toBe(false);
    expect(lines().filter((l) => l.startsWith('down'))).toEqual(['down down cluster=']);
  });
});

describe('npm test with arguments: sequential, as before', { timeout: 300_000 }, () => {
  it('--project unit: the set-up first (no real node), then one vitest run with the arguments and the exports', () => {
    const r = run({ STUB_WAIT_PART1: '0' }, '--project', 'unit');
    expect(r.status).toBe(0);
    expect(lines()).toEqual([
      'prepare all',
      'setup start real_node=0',
      'typecheck',
      'lint',
      'vitest unit cluster=up',
      'down down cluster=up',
    ]);
    expect(r.out).toMatch(/\[timing\] k8s set-up +\d/);
    expect(r.out).toMatch(/^tests: 1 passed, 0 failed$/m);
  });

  it('EPHEMERAL_TEST_OVERLAP=0 makes a run without arguments sequential', () => {
    const r = run({ STUB_WAIT_PART1: '0', EPHEMERAL_TEST_OVERLAP: '0' });
    expect(r.status).toBe(0);
    expect(lines().slice(0, 2)).toEqual(['prepare all', 'setup start real_node=1']);
    expect(lines()).toContain('vitest  cluster=up');
  });
});

describe('scripts/lib/vitest-merge.mjs', () => {
  it('sums the parts; a missing part is named and makes the merged report unsuccessful', () => {
    const part = (n: number, failed: number) => {
      const path = join(dir, `part-${n}-${failed}.json`);
      const results = [{ name: `/x/test/p${n}/a.test.ts`, startTime: n, endTime: n + 1, status: 'passed' }];
      writeFileSync(
        path,
        JSON.stringify({
          numTotalTests: n,
          numPassedTests: n - failed,
          numFailedTests: failed,
          success: failed === 0,
          startTime: 100 + n,
          snapshot: { total: n, failure: false },
          testResults: results,
        }),
      );
      return path;
    };
    const merge = (...parts: string[]) => {
      const out = join(dir, 'merged.json');
      const r = spawnSync('node', [join(dir, 'scripts/lib/vitest-merge.mjs'), out, ...parts], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      return { report: JSON.parse(readFileSync(out, 'utf8')), stderr: r.stderr };
    };
    const both = merge(part(3, 0), part(4, 1));
    expect(both.report).toMatchObject({
      numTotalTests: 7,
      numPassedTests: 6,
      numFailedTests: 1,
      success: false,
      startTime: 103,
    });
    expect(both.report.snapshot).toEqual({ total: 7, failure: false });
    expect(both.report.testResults).toHaveLength(2);
    expect(merge(part(3, 0), part(2, 0)).report.success).toBe(true);
    const missing = merge(part(3, 0), join(dir, 'never-written.json'));
    expect(missing.report).toMatchObject({ numTotalTests: 3, success: false });
    expect(missing.stderr).toContain('never-written.json is missing');
  });
});
