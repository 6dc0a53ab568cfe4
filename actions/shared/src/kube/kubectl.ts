/**
 * kubectl through the exec funnel: pure argv builders (table-tested) and a small client bound to one
 * kubeconfig/context. Flags as documented at https://kubernetes.io/docs/reference/kubectl/.
 */
import { mustSucceed, type RunOptions, type RunResult, run } from '../cli.js';
import type { Runner } from '../compose.js';

/** Exported for later steps: the namespace deploy-namespace deployed to. */
export const ENV_NAMESPACE = 'EPHEMERAL_NAMESPACE';
/** Exported for later steps: the kubeconfig file deploy-namespace wrote (when given the `kubeconfig` input). */
export const ENV_KUBECONFIG = 'EPHEMERAL_KUBECONFIG';

/** Which cluster: a kubeconfig file (else KUBECONFIG / ~/.kube/config) and an optional context. */
export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

/** Namespaces never created, labelled or deleted by the actions: `default` and every `kube-*`. */
export function isProtectedNamespace(name: string): boolean {
  return name === 'default' || name.startsWith('kube-');
}

/** Global flags for a target: `--kubeconfig <path>`, `--context <name>`. */
export function targetArgs(target: KubeTarget): string[] {
  return [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--context', target.context] : []),
  ];
}

/** `apply --server-side --force-conflicts --field-manager ephemeral [--namespace ns] --filename -` (pure). */
export function applyArgs(namespace?: string): string[] {
  return [
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager',
    'ephemeral',
    ...(namespace ? ['--namespace', namespace] : []),
    '--filename',
    '-',
  ];
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

/** kubectl bound to a target. */
export class Kubectl {
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
   * `kubectl get <args> -o json`, parsed; null when the object is not found.
   * @throws ToolError for any other failure
   */
  async getJson<T>(args: string[]): Promise<T | null> {
    const result = await this.tryRun(['get', ...args, '--output', 'json']);
    if (result.exitCode !== 0 && /NotFound|not found/i.test(result.stderr)) return null;
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
    return this.run(applyArgs(options.namespace), { input: manifest });
  }

  /** Like `apply`, but returns the result whatever the exit code (to tell Forbidden apart). */
  tryApply(manifest: string, options: { namespace?: string } = {}): Promise<RunResult> {
    return this.tryRun(applyArgs(options.namespace), { input: manifest });
  }
}
