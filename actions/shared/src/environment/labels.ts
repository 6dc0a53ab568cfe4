/**
 * The one label vocabulary that marks every resource the actions create: Compose containers, networks and
 * volumes now; Kubernetes namespaces and the sweeper later. One prefix, one set of keys.
 *
 * Values are written so they are valid both as Docker label values and as Kubernetes label values
 * (at most 63 characters of `[A-Za-z0-9._-]`, starting and ending alphanumeric:
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
 * Timestamps are therefore Unix epoch seconds, not ISO strings (a colon is not allowed in a label value).
 */
import { createHash } from 'node:crypto';

/** The prefix of every label key the actions write. Change it here and nowhere else. */
export const LABEL_PREFIX = 'ephemeral.dev/';

/** Label keys (full, prefixed). */
export const LABELS = {
  managedBy: `${LABEL_PREFIX}managed-by`,
  environment: `${LABEL_PREFIX}environment`,
  repository: `${LABEL_PREFIX}repository`,
  pr: `${LABEL_PREFIX}pr`,
  headSha: `${LABEL_PREFIX}head-sha`,
  runId: `${LABEL_PREFIX}run-id`,
  createdAt: `${LABEL_PREFIX}created-at`,
  lastDeployedAt: `${LABEL_PREFIX}last-deployed-at`,
  expiresAt: `${LABEL_PREFIX}expires-at`,
  /** `true` on a one-shot service's containers (see compose/model.ts `oneShots`). */
  oneShot: `${LABEL_PREFIX}one-shot`,
} as const;

/** The value of the managed-by label on everything the actions create. */
export const MANAGED_BY = 'ephemeral';

/** A label set: key → value. */
export type LabelSet = Record<string, string>;

/**
 * Makes `raw` a valid label value: invalid characters become `-`, `/` becomes `_` (GitHub owner names have
 * no `_`, so `owner/repo` stays unambiguous), lowercased, trimmed to start/end alphanumeric, and shortened
 * to 63 characters with a 6-hex hash suffix when longer. Empty input gives ''.
 */
export function labelValue(raw: string): string {
  let value = raw
    .toLowerCase()
    .replace(/\//g, '_')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (value.length > 63) {
    const hash = createHash('sha256').update(raw).digest('hex').slice(0, 6);
    value = `${value.slice(0, 56).replace(/[^a-z0-9]+$/, '')}-${hash}`;
  }
  return value;
}

/** Inputs for the label set. Times are epoch milliseconds. */
export interface LabelFacts {
  environment: string;
  repository: string;
  prNumber: number | null;
  headSha: string;
  runId: string;
  createdAtMs: number;
  deployedAtMs: number;
  /** TTL in ms, or null for no expiry. */
  ttlMs: number | null;
}

/**
 * The full label set for a deployed resource (containers, namespaces): identity plus per-deploy facts.
 * `expires-at` = last deploy + TTL, so a redeploy pushes expiry out (hjacobs/kube-janitor#43).
 */
export function deployLabels(facts: LabelFacts): LabelSet {
  const labels: LabelSet = {
    ...stableLabels(facts),
    [LABELS.headSha]: labelValue(facts.headSha),
    [LABELS.runId]: labelValue(facts.runId),
    [LABELS.lastDeployedAt]: String(Math.floor(facts.deployedAtMs / 1000)),
  };
  if (facts.ttlMs !== null)
    labels[LABELS.expiresAt] = String(Math.floor((facts.deployedAtMs + facts.ttlMs) / 1000));
  return labels;
}

/**
 * The labels that never change over an environment's life. Used on Compose networks and volumes, which
 * Compose would otherwise want to recreate when a label changes.
 */
export function stableLabels(
  facts: Pick<LabelFacts, 'environment' | 'repository' | 'prNumber' | 'createdAtMs'>,
): LabelSet {
  const labels: LabelSet = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: facts.environment,
    [LABELS.repository]: labelValue(facts.repository),
    [LABELS.createdAt]: String(Math.floor(facts.createdAtMs / 1000)),
  };
  if (facts.prNumber !== null) labels[LABELS.pr] = String(facts.prNumber);
  return labels;
}

/**
 * True when `labels` carry the managed-by label: the actions created the resource (for some environment).
 * Nothing without it is ever deleted or deployed over.
 */
export function isManaged(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[LABELS.managedBy] === MANAGED_BY;
}

/**
 * True when `labels` mark the resource as `environment`'s: managed-by and the environment label both match.
 * The rule every removal checks (Compose resources, namespaces).
 */
export function belongsTo(
  labels: Readonly<Record<string, string>> | undefined,
  environment: string,
): boolean {
  return isManaged(labels) && labels?.[LABELS.environment] === environment;
}

/** `key=value` filter strings for `docker ... --filter label=...` selecting one environment's resources. */
export function environmentSelector(environment: string): string[] {
  return [`${LABELS.managedBy}=${MANAGED_BY}`, `${LABELS.environment}=${environment}`];
}
