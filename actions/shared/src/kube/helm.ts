/**
 * Helm through the exec funnel: version detection (v3 or v4), pure argv builders, and stuck-release
 * facts. Flags per https://helm.sh/docs/helm/helm_upgrade/ (v3: `--atomic`; v4 renamed it
 * `--rollback-on-failure`: https://helm.sh/docs/helm/helm_upgrade/ for 4.x).
 */
import { mustSucceed, type Runner, type RunOptions, type RunResult, run } from '../exec/cli.js';
import { SetupError } from '../runtime/errors.js';
import { type KubeTarget, targetArgs } from './kubectl.js';

/** Release statuses a cancelled run leaves behind (helm/helm#10599, #7476): a new upgrade refuses them. */
export const STUCK_STATUSES = ['pending-install', 'pending-upgrade', 'pending-rollback'] as const;

/** Helm's version. */
export interface HelmVersion {
  major: 3 | 4;
  /** e.g. `3.19.5`. */
  version: string;
}

/**
 * Parses `helm version --short` (`v3.19.5+g1234`, `v4.0.5`).
 * @throws SetupError for Helm 2 or unparsable output
 */
export function parseHelmVersion(text: string): HelmVersion {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  const major = match ? Number(match[1]) : 0;
  if (!match || (major !== 3 && major !== 4)) {
    throw new SetupError(
      `Helm 3 or 4 is required; "helm version" printed "${text.trim().slice(0, 80)}"`,
      'install Helm 3 or 4 (https://helm.sh/docs/intro/install/) or azure/setup-helm',
    );
  }
  return { major: major as 3 | 4, version: `${match[1]}.${match[2]}.${match[3]}` };
}

/** What `upgradeArgs` takes. */
export interface UpgradeOptions {
  release: string;
  chart: string;
  namespace: string;
  valuesFiles: string[];
  /** `key=value` pairs for `--set`. */
  set: string[];
  /** `--version` of a repository/OCI chart, or ''. */
  chartVersion: string;
  /** `--repo <url>`: the chart repository URL when `chart` is a name in it; '' or absent otherwise. */
  repo?: string;
  /** `--timeout`, in seconds. */
  timeoutS: number;
  /** Roll back on failure (`--atomic` on v3, `--rollback-on-failure` on v4). */
  rollback: boolean;
  /**
   * Objects created by a POST and updated by a client-side three-way merge: `--server-side=false` on v4
   * (whose default, "auto", is server-side apply for a new release), nothing on v3 (always client-side).
   * See `helm upgrade --help` of Helm 4.
   */
  clientSide?: boolean;
}

/** `upgrade --install … --wait --timeout <s>s` for Helm `major` (pure). */
export function upgradeArgs(major: 3 | 4, o: UpgradeOptions): string[] {
  return [
    'upgrade',
    '--install',
    o.release,
    o.chart,
    '--namespace',
    o.namespace,
    '--wait',
    '--timeout',
    `${o.timeoutS}s`,
    ...(o.rollback ? [major === 3 ? '--atomic' : '--rollback-on-failure'] : []),
    ...(o.clientSide && major === 4 ? ['--server-side=false'] : []),
    ...(o.chartVersion ? ['--version', o.chartVersion] : []),
    ...(o.repo ? ['--repo', o.repo] : []),
    ...o.valuesFiles.flatMap((file) => ['--values', file]),
    ...o.set.flatMap((pair) => ['--set', pair]),
  ];
}

/** `rollback <release> <revision> --namespace <ns> --wait --timeout <s>s` (pure). */
export function rollbackArgs(
  release: string,
  revision: number,
  namespace: string,
  timeoutS: number,
): string[] {
  return [
    'rollback',
    release,
    String(revision),
    '--namespace',
    namespace,
    '--wait',
    '--timeout',
    `${timeoutS}s`,
  ];
}

/**
 * `uninstall <release> --namespace <ns> [--wait] --timeout <s>s` (pure). `timeoutS` (rounded, at least 1)
 * bounds the uninstall hooks, and with `wait` the deletion of the release's resources.
 */
export function uninstallArgs(
  release: string,
  namespace: string,
  timeoutS: number,
  options: { wait: boolean } = { wait: true },
): string[] {
  return [
    'uninstall',
    release,
    '--namespace',
    namespace,
    ...(options.wait ? ['--wait'] : []),
    '--timeout',
    `${Math.max(1, Math.round(timeoutS))}s`,
  ];
}

/**
 * `list --namespace <ns> [--all] --output json --max 0`: every release of a namespace, whatever its status
 * (pure). Helm 3 needs `--all` for that; Helm 4 lists every status by default and refuses `--all`
 * ("unknown flag"): https://helm.sh/docs/helm/helm_list/.
 */
export function listArgs(namespace: string, major: 3 | 4): string[] {
  return [
    'list',
    '--namespace',
    namespace,
    ...(major === 3 ? ['--all'] : []),
    '--output',
    'json',
    '--max',
    '0',
  ];
}

/** What to do about a release before deploying, from its history (pure). */
export type StuckRecovery =
  | { action: 'none' }
  /** The latest revision is stuck and an earlier one deployed: roll back to it. */
  | { action: 'rollback'; stuck: HelmRevision; toRevision: number }
  /** The release is stuck and never deployed: uninstall it. */
  | { action: 'uninstall'; stuck: HelmRevision };

/**
 * Decides how to recover a release a cancelled run left in a pending state (helm/helm#10599, #7476).
 * @param history `helm history` entries (any order)
 */
export function planStuckRecovery(history: readonly HelmRevision[]): StuckRecovery {
  const sorted = [...history].sort((a, b) => a.revision - b.revision);
  const latest = sorted.at(-1);
  if (!latest || !(STUCK_STATUSES as readonly string[]).includes(latest.status)) return { action: 'none' };
  const good = sorted
    .slice(0, -1)
    .reverse()
    .find((r) => r.status === 'deployed' || r.status === 'superseded');
  return good
    ? { action: 'rollback', stuck: latest, toRevision: good.revision }
    : { action: 'uninstall', stuck: latest };
}

/** One entry of `helm history -o json`. */
export interface HelmRevision {
  revision: number;
  status: string;
  chart?: string;
  app_version?: string;
  description?: string;
  updated?: string;
}

/** Helm bound to a target. */
export class Helm {
  constructor(
    readonly target: KubeTarget = {},
    private readonly runner: Runner = run,
    readonly binary = 'helm',
  ) {}

  /** The full argv (pure). Helm takes `--kubeconfig` / `--kube-context`. */
  argv(args: string[]): string[] {
    const target = targetArgs(this.target).map((a) => (a === '--context' ? '--kube-context' : a));
    return [this.binary, ...target, ...args];
  }

  tryRun(args: string[], options?: RunOptions): Promise<RunResult> {
    return this.runner(this.argv(args), { timeoutMs: 120_000, ...options });
  }

  /** @throws ToolError */
  async run(args: string[], options?: RunOptions): Promise<RunResult> {
    return mustSucceed(await this.tryRun(args, options));
  }

  /** @throws SetupError when helm is missing or not 3/4 */
  async version(): Promise<HelmVersion> {
    const result = await this.runner([this.binary, 'version', '--short'], { timeoutMs: 30_000 });
    if (result.exitCode !== 0) {
      throw new SetupError(
        `"helm version" failed (${result.spawnError ?? result.stderr.trim().slice(0, 200)})`,
        'install Helm 3 or 4 (azure/setup-helm) or put it on PATH',
      );
    }
    return parseHelmVersion(result.stdout);
  }

  /** The release's history, newest last; [] when the release does not exist. */
  async history(release: string, namespace: string): Promise<HelmRevision[]> {
    const result = await this.tryRun([
      'history',
      release,
      '--namespace',
      namespace,
      '--output',
      'json',
      '--max',
      '20',
    ]);
    if (result.exitCode !== 0 && /not found/i.test(result.stderr)) return [];
    return (JSON.parse(mustSucceed(result).stdout || '[]') as HelmRevision[]).sort(
      (a, b) => a.revision - b.revision,
    );
  }
}
