/**
 * The namespace: named by the shared identity, refused when protected or not ours, applied server-side
 * (create or update, idempotent) with `deployLabels` and readable annotations. `created-at` is read back
 * from the existing namespace so a redeploy keeps it while `last-deployed-at` and `expires-at` move on
 * (hjacobs/kube-janitor#43).
 */
import {
  deployLabels,
  isManaged,
  LABEL_PREFIX,
  LABELS,
  type LabelFacts,
  MANAGED_BY,
} from '../../shared/src/environment/labels.js';
import { mustSucceed } from '../../shared/src/exec/cli.js';
import { Kubectl, type NamespaceObject } from '../../shared/src/kube/kubectl.js';
import { isProtectedNamespace } from '../../shared/src/kube/namespaces.js';
import { type Clock, pollUntil, realClock } from '../../shared/src/runtime/clock.js';
import { DeadlineError, UserInputError } from '../../shared/src/runtime/errors.js';

/** Annotation keys (readable forms of the labels; label values cannot hold `/` or `:`). */
export const ANNOTATIONS = {
  repository: `${LABEL_PREFIX}repository`,
  pr: `${LABEL_PREFIX}pr`,
  headSha: `${LABEL_PREFIX}head-sha`,
  runUrl: `${LABEL_PREFIX}run-url`,
  createdAt: `${LABEL_PREFIX}created-at`,
  lastDeployedAt: `${LABEL_PREFIX}last-deployed-at`,
  expiresAt: `${LABEL_PREFIX}expires-at`,
  /** kube-janitor: https://codeberg.org/hjacobs/kube-janitor#usage */
  janitorTtl: 'janitor/ttl',
  janitorExpires: 'janitor/expires',
} as const;

/** What the namespace manifest takes. */
export interface NamespaceFacts extends LabelFacts {
  /** `https://github.com/<repo>/actions/runs/<id>`, or ''. */
  runUrl: string;
  janitor: boolean;
  /** The deploy record (fingerprint annotations, docs/lock-file.md), or none. */
  record?: Record<string, string>;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Formats a TTL for kube-janitor (`72h`, `90m`; whole minutes). */
export function janitorTtl(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/** The Namespace object to apply (pure). */
export function namespaceManifest(name: string, facts: NamespaceFacts): Record<string, unknown> {
  const annotations: Record<string, string> = {
    [ANNOTATIONS.repository]: facts.repository,
    [ANNOTATIONS.headSha]: facts.headSha,
    [ANNOTATIONS.createdAt]: iso(facts.createdAtMs),
    [ANNOTATIONS.lastDeployedAt]: iso(facts.deployedAtMs),
  };
  if (facts.prNumber !== null) annotations[ANNOTATIONS.pr] = `#${facts.prNumber}`;
  if (facts.runUrl) annotations[ANNOTATIONS.runUrl] = facts.runUrl;
  Object.assign(annotations, facts.record ?? {});
  if (facts.ttlMs !== null) {
    annotations[ANNOTATIONS.expiresAt] = iso(facts.deployedAtMs + facts.ttlMs);
    if (facts.janitor) {
      annotations[ANNOTATIONS.janitorTtl] = janitorTtl(facts.ttlMs);
      annotations[ANNOTATIONS.janitorExpires] = iso(facts.deployedAtMs + facts.ttlMs);
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: deployLabels(facts), annotations },
  };
}

/** `created-at` of an existing namespace in ms, or null. */
export function existingCreatedAt(ns: NamespaceObject | null): number | null {
  const seconds = Number(ns?.metadata.labels?.[LABELS.createdAt]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

/**
 * Refuses namespaces the action must never deploy into: `default` and `kube-*` (the removal rule's
 * protected names, kube/namespaces.ts), and an existing namespace without our managed-by label.
 * @param ns the existing namespace, or null (not there, or not readable)
 * @throws UserInputError naming `name` for a protected namespace or one without our managed-by label
 */
export function assertDeployable(name: string, ns: NamespaceObject | null): void {
  if (isProtectedNamespace(name)) {
    throw new UserInputError(
      'name',
      `"${name}" is a protected namespace (default or kube-*)`,
      'leave "name" empty to derive one from the pull request, or choose another',
    );
  }
  if (ns && !isManaged(ns.metadata.labels)) {
    throw new UserInputError(
      'name',
      `namespace "${name}" exists and was not created by these actions (no ${LABELS.managedBy}=${MANAGED_BY} label)`,
      'choose another "name", or delete or label that namespace yourself',
    );
  }
}

/** What `ensureNamespace` did. */
export interface NamespaceResult {
  created: boolean;
  /** False when labelling was forbidden (namespaced rights only): a warning says so. */
  labelled: boolean;
  createdAtMs: number;
  labels: Record<string, string>;
  warnings: string[];
}

/**
 * Waits (bounded) for a namespace that is still Terminating (a teardown that just ran) to be gone.
 * @throws DeadlineError when it is still there at the deadline
 */
export async function waitUntilNotTerminating(
  kubectl: Kubectl,
  name: string,
  deadlineMs: number,
  clock: Clock = realClock,
): Promise<NamespaceObject | null> {
  const { value, done } = await pollUntil(() => kubectl.namespace(name), {
    done: (ns) => ns?.status?.phase !== 'Terminating',
    deadline: clock.now() + deadlineMs,
    intervalMs: 1000,
    clock,
  });
  if (done) return value;
  throw new DeadlineError(
    `namespace ${name} (Terminating) to be deleted`,
    deadlineMs,
    'it is still Terminating: a finalizer may be stuck',
  );
}

/**
 * Creates or updates the namespace.
 * @param facts the label facts; `createdAtMs` is replaced by the existing namespace's when there is one
 * @throws UserInputError (protected, not ours); ToolError when the namespace cannot be created
 */
export async function ensureNamespace(
  kubectl: Kubectl,
  name: string,
  facts: NamespaceFacts,
  deadlineMs: number,
): Promise<NamespaceResult> {
  assertDeployable(name, null);
  const warnings: string[] = [];
  let existing: NamespaceObject | null = null;
  let readable = true;
  const got = await kubectl.tryRun(['get', 'namespace', name, '--output', 'json']);
  if (got.exitCode === 0) existing = await waitUntilNotTerminating(kubectl, name, deadlineMs);
  else if (Kubectl.isForbidden(got)) readable = false;
  else if (!/NotFound|not found/i.test(got.stderr)) existing = await kubectl.namespace(name); // throws the real error
  if (readable) assertDeployable(name, existing);
  const createdAtMs = existingCreatedAt(existing) ?? facts.createdAtMs;
  const manifest = namespaceManifest(name, { ...facts, createdAtMs });
  const applied = await kubectl.tryApply(JSON.stringify(manifest));
  const labels = (manifest.metadata as { labels: Record<string, string> }).labels;
  if (applied.exitCode === 0)
    return { created: existing === null && readable, labelled: true, createdAtMs, labels, warnings };
  if (Kubectl.isForbidden(applied) && (existing !== null || !readable)) {
    // Namespaced rights only (Azure/k8s-deploy#149): deploy into the namespace someone else created.
    warnings.push(
      `Could not label namespace ${name} (forbidden: ${applied.stderr.trim().split('\n')[0]}); continuing without labels. Grant "patch" on namespaces (see the ClusterRole in the docs) so the sweeper can find it.`,
    );
    return { created: false, labelled: false, createdAtMs, labels, warnings };
  }
  mustSucceed(applied);
  return { created: false, labelled: false, createdAtMs, labels, warnings };
}
