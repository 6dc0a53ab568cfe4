/**
 * kubectl through the exec funnel: pure argv builders (table-tested) and a small client bound to one
 * kubeconfig/context. Flags as documented at https://kubernetes.io/docs/reference/kubectl/.
 */
import { mustSucceed, type Runner, type RunOptions, type RunResult, run } from '../exec/cli.js';
import { UserInputError } from '../runtime/errors.js';

/** Which cluster: a kubeconfig file (else KUBECONFIG / ~/.kube/config) and an optional context. */
export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

/** Global flags for a target: `--kubeconfig <path>`, `--context <name>`. */
export function targetArgs(target: KubeTarget): string[] {
  return [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--context', target.context] : []),
  ];
}

/** What `kubectl apply` reads: a manifest on stdin, files or directories, or a kustomization directory. */
export type ApplySource =
  | { stdin: true }
  | { files: readonly string[]; recursive: boolean }
  | { kustomize: string };

/** What `applyArgs` takes. */
export interface ApplyOptions {
  source: ApplySource;
  namespace?: string;
  /** `--output name`: one `kind.group/name` line per object applied. */
  listApplied?: boolean;
}

/**
 * `apply --server-side --force-conflicts --field-manager ephemeral [--namespace ns] [--output name] <source>`
 * (pure): server-side apply takes over fields another manager set, so a redeploy never stops on a conflict
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts).
 */
export function applyArgs(o: ApplyOptions): string[] {
  return [
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager',
    'ephemeral',
    ...(o.namespace ? ['--namespace', o.namespace] : []),
    ...(o.listApplied ? ['--output', 'name'] : []),
    ...sourceArgs(o.source),
  ];
}

/** The flags naming what `kubectl apply` or `kubectl create` reads (pure). */
export function sourceArgs(source: ApplySource): string[] {
  if ('stdin' in source) return ['--filename', '-'];
  if ('kustomize' in source) return ['--kustomize', source.kustomize];
  return [...source.files.flatMap((p) => ['--filename', p]), ...(source.recursive ? ['--recursive'] : [])];
}

/** A namespace object as `kubectl get namespace -o json` returns it (fields used here). */
export interface NamespaceObject {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
  };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string; message?: string }> };
}

/** `kubectl config get-contexts --output name`: one context name per line. */
const CONTEXTS = ['config', 'get-contexts', '--output', 'name'];

/** kubectl bound to a target. */
export class Kubectl {
  /** The context check's one run for this instance (`requireContext`); null until first asked. */
  private contextChecked: Promise<void> | null = null;

  constructor(
    readonly target: KubeTarget = {},
    private readonly runner: Runner = run,
    readonly binary = 'kubectl',
  ) {}

  /** The full argv (pure). */
  argv(args: string[]): string[] {
    return [this.binary, ...targetArgs(this.target), ...args];
  }

  /** Runs and returns the result, whatever the exit code. */
  tryRun(args: string[], options?: RunOptions): Promise<RunResult> {
    return this.runner(this.argv(args), { timeoutMs: 120_000, ...options });
  }

  /**
   * Runs and throws unless it exits 0.
   * @throws ToolError
   */
  async run(args: string[], options?: RunOptions): Promise<RunResult> {
    return mustSucceed(await this.tryRun(args, options));
  }

  /**
   * Proves the API server answers (`kubectl get --raw /version`), so an unreachable or frozen cluster fails
   * before anything is created or awaited, with what kubectl said (issue 9, defect 5).
   * @param timeoutMs at most this long, ms
   * @throws ToolError with kubectl's message, or when it does not answer within `timeoutMs`
   */
  async answers(timeoutMs: number): Promise<void> {
    await this.requireContext();
    await this.run(['get', '--raw', '/version'], { timeoutMs });
  }

  /**
   * Proves the bound context is in the kubeconfig kubectl reads (`kubectl config get-contexts --output
   * name`: a local read, nothing is sent to a cluster), so a misspelt `context` input fails before anything
   * starts, naming the input, instead of as kubectl's bare "context … does not exist" (issue 9). Does
   * nothing without a context. Runs once per instance: `withKubectl` and `answers` both ask, and every later
   * call returns the first one's promise (its verdict, or its error again).
   * @throws UserInputError naming `context`, with the contexts the kubeconfig has
   * @throws ToolError when kubectl cannot read the kubeconfig
   */
  requireContext(): Promise<void> {
    this.contextChecked ??= this.checkContext();
    return this.contextChecked;
  }

  private async checkContext(): Promise<void> {
    const context = this.target.context;
    if (!context) return;
    const argv = [this.binary, ...targetArgs({ kubeconfig: this.target.kubeconfig }), ...CONTEXTS];
    const listed = mustSucceed(await this.runner(argv, { timeoutMs: 30_000 })).stdout;
    const names = listed
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (names.includes(context)) return;
    throw new UserInputError(
      'context',
      `"${context}" is not a context of the kubeconfig (it has ${names.length > 0 ? names.map((n) => `"${n}"`).join(', ') : 'none'})`,
      'give one of its contexts, or leave "context" empty to use its current-context',
    );
  }

  /**
   * `kubectl get <args> -o json`, parsed; null when the API server answered NotFound
   * (`Error from server (NotFound): …`).
   * @throws ToolError for any other failure
   */
  async getJson<T>(args: string[]): Promise<T | null> {
    const result = await this.tryRun(['get', ...args, '--output', 'json']);
    // Only the API server's NotFound means "not there"; kubectl's own "not found" (a context, a kubeconfig)
    // or any other failure is an error (issue 9, defect 3).
    if (result.exitCode !== 0 && /^Error from server \(NotFound\)/m.test(result.stderr)) return null;
    return JSON.parse(mustSucceed(result).stdout) as T;
  }

  /** The namespace, or null when it does not exist. */
  namespace(name: string): Promise<NamespaceObject | null> {
    return this.getJson<NamespaceObject>(['namespace', name]);
  }

  /** True when a failed result is an RBAC refusal (HTTP 403, `Forbidden`). */
  static isForbidden(result: RunResult): boolean {
    return result.exitCode !== 0 && /forbidden/i.test(result.stderr);
  }

  /**
   * `kubectl apply --server-side --force-conflicts --field-manager ephemeral -f -` of a manifest (JSON or YAML).
   * @throws ToolError
   */
  apply(manifest: string, options: { namespace?: string } = {}): Promise<RunResult> {
    return this.run(applyArgs({ source: { stdin: true }, ...options }), { input: manifest });
  }

  /** Like `apply`, but returns the result whatever the exit code (to tell Forbidden apart). */
  tryApply(manifest: string, options: { namespace?: string } = {}): Promise<RunResult> {
    return this.tryRun(applyArgs({ source: { stdin: true }, ...options }), { input: manifest });
  }
}
