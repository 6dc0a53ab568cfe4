/**
 * Runs one workflow with nektos/act (https://nektosact.com), an independent implementation of GitHub's
 * runner, the way the act suite needs it:
 *
 * - self-hosted mode: every `runs-on` label of the workflow is mapped with `-P <label>=-self-hosted`, so
 *   steps run on this machine, with Node 24 first on PATH (the bundled actions are `runs.using: node24`),
 *   this machine's Docker engine and the Kubernetes test cluster's kubectl;
 * - `uses: org/ephemeral/<name>@v1` resolves to this checkout's action.yml files and dist/
 *   (`--local-repository org/ephemeral@v1=…`, see {@link actionsRepository});
 *   other remote actions to local stand-ins that do the same job (see STAND_INS); `actions/checkout`
 *   needs none: act copies the local checkout for it;
 * - hermetic: its own HOME and XDG dirs (no ~/.actrc, no ~/.kube/config), ACT_DISABLE_VERSION_CHECK=1,
 *   `--no-cache-server`, npm offline (the example's dependencies come from the npm cache the set-up
 *   filled), a pull_request event file whose head SHA is not the checkout's HEAD (as on GitHub, where
 *   GITHUB_SHA is the merge commit), `GITHUB_REPOSITORY` of the test's own, secrets through `--secret`;
 * - act's own artifact server on a free loopback port, so the actions' report upload meets a real (and
 *   broken: nektos/act#6022) artifact service.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../harness/env.js';

/** Remote actions the documented workflows use, mapped to local stand-ins (repo-relative folders). */
export const STAND_INS: Record<string, string> = {
  // Puts helm on PATH from the test cluster's tool cache instead of downloading it.
  'azure/setup-helm@v4': 'test/act/stand-ins/setup-helm',
  // Builds with Docker, and for push: true imports the image into the real node (no registry here).
  'docker/build-push-action@v6': 'test/act/stand-ins/build-push-action',
  // Logs in nowhere: the act suite has no registry.
  'docker/login-action@v3': 'test/act/stand-ins/login-action',
  // The test cluster's vcluster CLI, its chart and the real node's values, instead of downloads.
  'loft-sh/setup-vcluster@main': 'test/act/stand-ins/setup-vcluster',
};

/** The test cluster's real-node and vcluster variables the stand-ins read (scripts/k8s/cluster.sh exports them). */
const REAL_NODE_ENV = [
  'EPHEMERAL_K8S_REAL_NODE_CONTAINERD',
  'EPHEMERAL_VCLUSTER',
  'EPHEMERAL_VCLUSTER_CHART',
  'EPHEMERAL_VCLUSTER_VALUES',
  'EPHEMERAL_VCLUSTER_CONFIG',
  'VCLUSTER_SKIP_VERSION_CHECK',
];

/**
 * A copy of what `uses: org/ephemeral/<name>@v1` needs from this checkout — every action.yml and dist/ —
 * for `--local-repository`. act copies a local repository whole, ignored files included, for every step
 * that uses it, and deletes it afterwards: the checkout itself (node_modules, .cache: ~700 MB) made each
 * such step cost minutes on 2 cores. Returns the folder; remove it when done.
 */
export function actionsRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ephemeral-act-repo-'));
  for (const entry of readdirSync(repoRoot, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === 'action.yml')
      cpSync(join(repoRoot, entry.name), join(dir, entry.name));
    if (entry.isDirectory() && existsSync(join(repoRoot, entry.name, 'action.yml')))
      cpSync(join(repoRoot, entry.name), join(dir, entry.name), { recursive: true });
  }
  cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

/** What a run needs. */
export interface ActOptions {
  /** The act binary (scripts/tools/build.sh act). */
  act: string;
  /** What `org/ephemeral@v1` resolves to: {@link actionsRepository}. */
  actions: string;
  /** The Node 24 binary put first on PATH. */
  node24: string;
  /** The workflow's YAML text, run unmodified. */
  workflow: string;
  /** `owner/name`: GITHUB_REPOSITORY and github.repository (unique per test run). */
  repository: string;
  /** The event's payload. */
  event: Record<string, unknown>;
  /** The event's name (default `pull_request`), e.g. `schedule` for the orphan sweep. */
  eventName?: string;
  /**
   * More `--env NAME=value` pairs, e.g. GITHUB_API_URL: act lets the user's GITHUB_API_URL override its own
   * (pkg/runner/run_context.go, getGithubContext), which points the actions at the fake GitHub.
   */
  env?: Record<string, string>;
  /** `--secret NAME=value` pairs. */
  secrets?: Record<string, string>;
  /** `--var NAME=value` pairs: the workflow's `vars` context (repository variables). */
  vars?: Record<string, string>;
  /** Hard limit for the whole run, ms. */
  timeoutMs?: number;
}

/** The outcome of a run. */
export interface ActRun {
  exitCode: number | null;
  /** stdout and stderr, interleaved as printed. */
  output: string;
  durationMs: number;
  /** The act command line, for failure messages (secret values replaced by ***). */
  argv: string[];
}

/** The `runs-on` labels of every job of a workflow. */
export function runsOnLabels(workflow: string): string[] {
  const doc = parseYaml(workflow) as { jobs?: Record<string, { 'runs-on'?: string | string[] }> };
  const labels = new Set<string>();
  for (const job of Object.values(doc.jobs ?? {})) {
    const runsOn = job['runs-on'];
    for (const label of Array.isArray(runsOn) ? runsOn : runsOn ? [runsOn] : []) labels.add(label);
  }
  return [...labels];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs `options.workflow` for its event (default `pull_request`) and returns what act did. Never throws on a failed run. */
export async function runAct(options: ActOptions): Promise<ActRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ephemeral-act-'));
  try {
    const xdg = Object.fromEntries(
      ['CONFIG', 'CACHE', 'DATA', 'STATE'].map((k) => [`XDG_${k}_HOME`, join(dir, k.toLowerCase())]),
    );
    for (const path of [...Object.values(xdg), join(dir, 'home'), join(dir, 'artifacts')]) mkdirSync(path);
    writeFileSync(join(dir, 'workflow.yml'), options.workflow);
    writeFileSync(join(dir, 'event.json'), JSON.stringify(options.event));
    const argv = [
      options.eventName ?? 'pull_request',
      '--workflows',
      join(dir, 'workflow.yml'),
      '--eventpath',
      join(dir, 'event.json'),
      ...runsOnLabels(options.workflow).flatMap((label) => ['-P', `${label}=-self-hosted`]),
      '--local-repository',
      `org/ephemeral@v1=${options.actions}`,
      ...Object.entries(STAND_INS).flatMap(([uses, path]) => [
        '--local-repository',
        `${uses}=${join(repoRoot, path)}`,
      ]),
      '--env',
      `GITHUB_REPOSITORY=${options.repository}`,
      ...Object.entries(options.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      ...Object.entries(options.secrets ?? {}).flatMap(([k, v]) => ['--secret', `${k}=${v}`]),
      ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}=${v}`]),
      '--no-cache-server',
      '--artifact-server-path',
      join(dir, 'artifacts'),
      '--artifact-server-addr',
      '127.0.0.1',
      '--artifact-server-port',
      String(await freePort()),
      '--defaultbranch',
      'main',
    ];
    const shown = argv.map((a, i) => (argv[i - 1] === '--secret' ? a.replace(/=.*/s, '=***') : a));
    return await spawnAct(options, argv, shown, actEnv(options, dir, xdg));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment act and the steps it runs get: nothing of the caller's but what the runner host would have. */
function actEnv(options: ActOptions, dir: string, xdg: Record<string, string>): NodeJS.ProcessEnv {
  const env = process.env;
  const home = env.HOME ?? '/root';
  // kubectl like on GitHub-hosted runners, but not the cluster's helm: the workflows set helm up themselves.
  const k8sBin = env.EPHEMERAL_K8S_BIN ?? '';
  const kubectlDir = join(dir, 'kubectl');
  mkdirSync(kubectlDir);
  const path = (env.PATH ?? '').split(':').filter((p) => p && p !== k8sBin);
  const out: NodeJS.ProcessEnv = {
    ...xdg,
    HOME: join(dir, 'home'),
    PATH: [dirname(options.node24), kubectlDir, ...path].join(':'),
    LANG: env.LANG ?? 'C.UTF-8',
    ACT_DISABLE_VERSION_CHECK: '1',
    // Docker's CLI plugins (compose) and the npm cache stay where the machine set-up put them.
    DOCKER_CONFIG: env.DOCKER_CONFIG ?? join(home, '.docker'),
    npm_config_cache: env.npm_config_cache ?? join(home, '.npm'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    EPHEMERAL_K8S_BIN: k8sBin,
  };
  if (env.DOCKER_HOST) out.DOCKER_HOST = env.DOCKER_HOST;
  // What the stand-ins read: the real node's containerd (build-push-action), the vcluster tools.
  for (const name of REAL_NODE_ENV) if (env[name]) out[name] = env[name];
  if (k8sBin) symlinkSync(join(k8sBin, 'kubectl'), join(kubectlDir, 'kubectl'));
  return out;
}

function spawnAct(
  options: ActOptions,
  argv: string[],
  shown: string[],
  env: NodeJS.ProcessEnv,
): Promise<ActRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(options.act, argv, {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => {
      output += `\n[act suite] act ran longer than ${options.timeoutMs} ms: killed\n`;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 900_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, output, durationMs: Date.now() - started, argv: [options.act, ...shown] });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({
        exitCode: null,
        output: `${output}\n${error.message}`,
        durationMs: Date.now() - started,
        argv: shown,
      });
    });
  });
}
