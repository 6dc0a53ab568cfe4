/**
 * `isolation: vcluster`: a virtual cluster (vcluster, https://www.vcluster.com/docs) in the PR's labelled host
 * namespace, and the workload deployed into it. The phase runs after the host namespace and its guardrails
 * exist (deploy.ts `prepareNamespace`) and before the deploy:
 *
 * 1. `vcluster create vcluster --namespace <ns> --upgrade --driver helm --connect=false …` with a private
 *    CLI config (telemetry off, helm driver) in RUNNER_TEMP: the control plane is a Helm release in the
 *    host namespace, so the one namespace removal (kube/namespace-teardown.ts: `helm uninstall` of every
 *    release, then the namespace) removes it, in post, teardown and the sweep alike;
 * 2. `vcluster connect vcluster --namespace <ns> --print --server <url>`: the kubeconfig (stdout), masked,
 *    written 0600 to RUNNER_TEMP; `<url>` defaults to `https://<ClusterIP of Service vcluster>:443`;
 * 3. ready only once the virtual API server answers `GET /readyz` with `ok` through that kubeconfig;
 * 4. the environment's namespace created inside the virtual cluster (same name as the host namespace), so
 *    `{{namespace}}`, `EPHEMERAL_NAMESPACE` and later steps address the same name on either side.
 *
 * Every command goes through the exec funnel (argv arrays); the vcluster CLI reads the host cluster from
 * `KUBECONFIG` and `--context` (https://www.vcluster.com/docs/vcluster/cli/vcluster_create).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as funnel, type Runner } from '../../shared/src/exec/cli.js';
import { writeKubeconfig } from '../../shared/src/kube/kubeconfig.js';
import { Kubectl, type KubeTarget } from '../../shared/src/kube/kubectl.js';
import { DeadlineError, errorMessage, ToolError } from '../../shared/src/runtime/errors.js';

/** The virtual cluster's name in every host namespace (its Helm release, Deployment and Service). */
export const VCLUSTER_NAME = 'vcluster';

/** What the vcluster phase takes from the settings. */
export interface VclusterSettings {
  /** The vcluster CLI (path or name on PATH). */
  vcluster: string;
  /** A local vcluster chart directory (`--local-chart-dir`), or '' for the CLI's own chart repository. */
  vclusterChart: string;
  /** Values files for the vcluster chart (`--values`), absolute. */
  vclusterValues: string[];
  /** The API server URL written into the kubeconfig, or '' for `https://<ClusterIP>:443`. */
  vclusterServer: string;
}

/** The vcluster CLI bound to the host cluster and a private CLI config file. */
export class VclusterCli {
  /**
   * @param binary the CLI; @param target the host cluster; @param configPath the private CLI config file
   * @param runner the exec funnel (tests pass a scripted one)
   */
  constructor(
    readonly binary: string,
    readonly target: KubeTarget,
    readonly configPath: string,
    private readonly runner: Runner = funnel,
  ) {}

  /** The full argv (pure): CLI, args, `--config`, and `--context` when the target has one. */
  argv(args: string[]): string[] {
    return [
      this.binary,
      ...args,
      '--config',
      this.configPath,
      ...(this.target.context ? ['--context', this.target.context] : []),
    ];
  }

  /**
   * Runs the CLI (KUBECONFIG = the target's file; the CLI's own upgrade check off); throws unless it exits 0.
   * @throws ToolError
   */
  async run(args: string[], timeoutMs: number): Promise<string> {
    const env = {
      VCLUSTER_SKIP_VERSION_CHECK: 'true',
      ...(this.target.kubeconfig ? { KUBECONFIG: this.target.kubeconfig } : {}),
    };
    const result = await this.runner(this.argv(args), { timeoutMs, env });
    if (result.exitCode !== 0)
      throw new ToolError(
        result.argv,
        result.exitCode,
        result.stderr.slice(-4096),
        result.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${result.exitCode}`,
      );
    return result.stdout;
  }
}

/** `create` argv (after the CLI): idempotent (`--upgrade`), no connect, no proxy, no platform (pure). */
export function vclusterCreateArgs(namespace: string, s: VclusterSettings): string[] {
  return [
    'create',
    VCLUSTER_NAME,
    '--namespace',
    namespace,
    '--upgrade',
    '--driver',
    'helm',
    '--connect=false',
    '--background-proxy=false',
    '--add=false',
    ...(s.vclusterChart ? ['--local-chart-dir', s.vclusterChart] : []),
    ...s.vclusterValues.flatMap((f) => ['--values', f]),
  ];
}

/** `connect --print` argv (after the CLI): the kubeconfig on stdout, for `server` (pure). */
export function vclusterConnectArgs(namespace: string, server: string): string[] {
  return ['connect', VCLUSTER_NAME, '--namespace', namespace, '--print', '--server', server];
}

/**
 * Writes the private CLI config (`{"telemetryDisabled":true,"driver":{"type":"helm"}}`) to a new 0700
 * folder in `runnerTemp`; returns the file path (post removes its folder).
 */
export function writeCliConfig(runnerTemp: string = tmpdir()): string {
  const dir = mkdtempSync(join(runnerTemp, 'ephemeral-vcluster-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, `${JSON.stringify({ telemetryDisabled: true, driver: { type: 'helm' } })}\n`, {
    mode: 0o600,
  });
  return path;
}

/** Removes a folder written by `writeCliConfig` (missing is fine). */
export function removeCliConfig(path: string): void {
  if (path) rmSync(join(path, '..'), { recursive: true, force: true });
}

/** A virtual cluster that answered /readyz. */
export interface ReadyVcluster {
  name: string;
  /** The API server URL in its kubeconfig. */
  server: string;
  /** The 0600 kubeconfig file in RUNNER_TEMP (removed by post). */
  kubeconfigPath: string;
}

/** What `startVcluster` takes besides the settings. */
export interface StartOptions {
  namespace: string;
  /** Host kubectl (for the Service's ClusterIP). */
  host: Kubectl;
  cli: VclusterCli;
  /** Program for the virtual cluster's kubectl. */
  kubectl: string;
  runnerTemp: string;
  /** epoch ms by which the virtual API must be ready. */
  deadline: number;
  log: (line: string) => void;
  /** Called as soon as the kubeconfig file exists (so post removes it even if /readyz never answers). */
  onKubeconfig?: (path: string) => void;
  /** Between two attempts, in ms (default 1000). */
  pollMs?: number;
  runner?: Runner;
}

const left = (deadline: number) => Math.max(deadline - Date.now(), 1000);

/**
 * Creates (or upgrades) the vcluster, connects, and waits until its API answers /readyz.
 * @returns the ready virtual cluster
 * @throws ToolError when `vcluster create` fails; DeadlineError (with the last error) when the API is not
 *   ready by the deadline
 */
export async function startVcluster(s: VclusterSettings, o: StartOptions): Promise<ReadyVcluster> {
  o.log(`vcluster create ${VCLUSTER_NAME} in host namespace ${o.namespace}`);
  await o.cli.run(vclusterCreateArgs(o.namespace, s), left(o.deadline));
  let server = s.vclusterServer;
  let kubeconfigPath = '';
  let last = 'not tried';
  const started = Date.now();
  for (;;) {
    try {
      if (!server) server = await serviceServer(o.host, o.namespace);
      if (!kubeconfigPath) {
        kubeconfigPath = await connect(o, server);
        o.onKubeconfig?.(kubeconfigPath);
      }
      const virtual = new Kubectl({ kubeconfig: kubeconfigPath }, o.runner, o.kubectl);
      const ready = await virtual.tryRun(['get', '--raw', '/readyz', '--request-timeout=5s'], {
        timeoutMs: 15_000,
      });
      if (ready.exitCode === 0 && ready.stdout.trim() === 'ok') {
        o.log(`Virtual cluster ${VCLUSTER_NAME} ready (/readyz ok at ${server})`);
        return { name: VCLUSTER_NAME, server, kubeconfigPath };
      }
      last = `/readyz: ${(ready.stderr || ready.stdout).trim().slice(-300) || `exit ${ready.exitCode}`}`;
    } catch (error) {
      last = errorMessage(error).slice(-500);
    }
    if (Date.now() + (o.pollMs ?? 1000) > o.deadline)
      throw new DeadlineError(
        `the virtual cluster's API (vcluster ${VCLUSTER_NAME} in ${o.namespace}) answering /readyz`,
        Date.now() - started,
        `${last}; look at the vcluster pods in the host namespace (the diagnostics bundle has them)`,
      );
    await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 1000));
  }
}

/** `https://<ClusterIP of Service vcluster>:443`. @throws Error while the Service has no ClusterIP */
async function serviceServer(host: Kubectl, namespace: string): Promise<string> {
  const service = await host.getJson<{ spec?: { clusterIP?: string } }>([
    'service',
    VCLUSTER_NAME,
    '--namespace',
    namespace,
  ]);
  const ip = service?.spec?.clusterIP;
  if (!ip || ip === 'None') throw new Error(`Service ${namespace}/${VCLUSTER_NAME} has no ClusterIP yet`);
  return `https://${ip.includes(':') ? `[${ip}]` : ip}:443`;
}

/** `vcluster connect --print`: its kubeconfig (stdout, never logged) masked and written 0600; returns the path. */
async function connect(o: StartOptions, server: string): Promise<string> {
  const content = await o.cli.run(
    vclusterConnectArgs(o.namespace, server),
    Math.min(left(o.deadline), 60_000),
  );
  return writeKubeconfig(content, o.runnerTemp);
}

/**
 * The environment's namespace inside the virtual cluster (created or kept; the host namespace carries the labels).
 * @throws ToolError
 */
export async function ensureVirtualNamespace(virtual: Kubectl, namespace: string): Promise<void> {
  await virtual.apply(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    }),
  );
}
