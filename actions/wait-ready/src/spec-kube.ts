/**
 * Kubernetes probe specifications (`rollout`, `pods`, `endpoints`, `job`), validated before the first
 * attempt. Errors name the input and the probe's position (`probes[1].rollout`).
 *
 * ```yaml
 * - rollout: deployment/api      # deployment|deploy|statefulset|sts|daemonset|ds / <name>
 * - pods: app=api,tier in (web)  # a label selector, passed to kubectl as one argument
 *   min: 2                       # ready pods needed (default 1)
 * - endpoints: api               # a Service name; min ready endpoints (default 1)
 * - job: migrate                 # a Job name; Complete = ready, Failed = stop waiting
 *   namespace: tools             # any of them: default the environment's namespace
 * ```
 */
import { checkNamespace, isDnsLabel, isDnsSubdomain } from '../../shared/src/environment/names.js';
import { ROLLOUT_KIND_ALIASES } from '../../shared/src/kube/readiness.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';

export const KUBE_KINDS = ['rollout', 'pods', 'endpoints', 'job'] as const;
export type KubeKind = (typeof KUBE_KINDS)[number];

/** A Kubernetes probe. `namespace` '' = the default namespace, filled in by settings. */
export interface KubeSpec {
  kind: KubeKind;
  name: string;
  namespace: string;
  /** rollout: `deployment` | `statefulset` | `daemonset`; else ''. */
  workload: '' | 'deployment' | 'statefulset' | 'daemonset';
  /** The object name (rollout, endpoints: the Service, job) or the label selector (pods). */
  target: string;
  /** Ready pods / endpoints needed (pods, endpoints); 1 otherwise. */
  min: number;
}

/**
 * Parses `kind/name` of a rollout (`deployment/api`, `sts/db`).
 * @throws UserInputError naming `input`
 */
export function parseWorkload(input: string, text: string): { workload: KubeSpec['workload']; name: string } {
  const [kind, name, extra] = text.trim().split('/');
  const workload = ROLLOUT_KIND_ALIASES[(kind ?? '').toLowerCase()];
  if (!workload || !name || extra !== undefined || !isDnsSubdomain(name)) {
    throw new UserInputError(
      input,
      `"${text}" is not a workload`,
      'use kind/name with kind deployment, statefulset or daemonset (deploy, sts, ds), e.g. deployment/api',
    );
  }
  return { workload, name };
}

function checkSelector(input: string, text: string): string {
  const value = text.trim();
  if (value === '' || /[\r\n]/.test(value))
    throw new UserInputError(
      input,
      `"${value}" is not a label selector`,
      'use e.g. app=api or app=api,tier in (web)',
    );
  return value;
}

function checkMin(input: string, raw: unknown): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new UserInputError(input, `"${String(raw)}" is not a count`, 'use a whole number from 1 to 10000');
  return n;
}

/**
 * Parses one `probes` item of a Kubernetes kind.
 * @param value the kind key's value (a string)
 * @param record the whole item (for `namespace` and `min`)
 * @throws UserInputError naming `<at>.<kind>`, `<at>.namespace` or `<at>.min`
 */
export function parseKubeItem(
  kind: KubeKind,
  name: string,
  value: unknown,
  record: Record<string, unknown>,
  at: string,
): KubeSpec {
  const where = `${at}.${kind}`;
  if (typeof value !== 'string' || value.trim() === '') {
    const example = { rollout: 'deployment/api', pods: 'app=api', endpoints: 'api', job: 'migrate' }[kind];
    throw new UserInputError(where, 'must be a non-empty string', `write e.g. "- ${kind}: ${example}"`);
  }
  const namespace =
    record.namespace === undefined ? '' : checkNamespace(`${at}.namespace`, String(record.namespace).trim());
  const min = checkMin(`${at}.min`, record.min);
  if (record.min !== undefined && kind !== 'pods' && kind !== 'endpoints')
    throw new UserInputError(
      `${at}.min`,
      `does not apply to ${kind} probes`,
      'remove it (only pods and endpoints take min)',
    );
  switch (kind) {
    case 'rollout': {
      const w = parseWorkload(where, value);
      return { kind, name, namespace, workload: w.workload, target: w.name, min: 1 };
    }
    case 'pods':
      return { kind, name, namespace, workload: '', target: checkSelector(where, value), min };
    case 'endpoints':
    case 'job': {
      const target = value.trim();
      // Service names are DNS-1123 labels; Job names subdomains.
      if (!(kind === 'endpoints' ? isDnsLabel(target) : isDnsSubdomain(target)))
        throw new UserInputError(
          where,
          `"${target}" is not a ${kind === 'job' ? 'Job' : 'Service'} name`,
          'use the object\'s metadata.name (lowercase letters, digits and "-")',
        );
      return { kind, name, namespace, workload: '', target, min };
    }
  }
}

/**
 * The `rollout` simple input: one `kind/name` per line or comma-separated, each its own probe named after
 * the workload.
 * @throws UserInputError naming `rollout`
 */
export function parseRolloutInput(items: string[]): KubeSpec[] {
  return items.map((text) => {
    const w = parseWorkload('rollout', text);
    return {
      kind: 'rollout',
      name: `${w.workload}/${w.name}`,
      namespace: '',
      workload: w.workload,
      target: w.name,
      min: 1,
    };
  });
}

/** True for the Kubernetes probe kinds. */
export function isKubeSpec(spec: { kind: string }): spec is KubeSpec {
  return (KUBE_KINDS as readonly string[]).includes(spec.kind);
}
