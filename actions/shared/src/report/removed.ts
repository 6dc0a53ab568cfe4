/**
 * What a teardown removed, for every kind of environment: a Compose project (containers, networks, volumes)
 * or a Kubernetes namespace (with its Helm releases). Compose's and Kubernetes' teardowns return these;
 * teardown, provision-compose's post and deploy-namespace's post report them through `RemovedSection`.
 *
 * The JSON (`removed` in ephemeral-report/v1) keeps the v1 shape: `containers`, `networks` and `volumes`
 * are always present (empty for a namespace), a namespace adds `namespace` and `releases`.
 */
import type { ReportSection } from './model.js';
import { cell } from './summary.js';

/**
 * `removed`: everything is gone; `already-gone`: nothing was there; `refused`: not ours, nothing touched;
 * `partial`: something failed or remains (see `failures`); `error`: the engine or the cluster could not be
 * asked (unreachable, unknown context, forbidden), so nothing is known and nothing was removed (`failures`
 * holds what the tool said).
 */
export type RemovalStatus = 'removed' | 'already-gone' | 'refused' | 'partial' | 'error';

/** A Compose project's removal. Names sorted. */
export interface ComposeRemoval {
  kind: 'compose';
  status: RemovalStatus;
  containers: string[];
  networks: string[];
  volumes: string[];
  /** The images this environment built that were removed (`repository:tag`, or the ID when untagged). */
  images: string[];
  failures: string[];
  /** Why it was refused (status `refused`). */
  reason?: string;
}

/** A namespace's removal. */
export interface NamespaceRemoval {
  kind: 'namespace';
  status: RemovalStatus;
  namespace: string;
  /** Helm releases uninstalled. */
  releases: string[];
  /** What still holds a namespace stuck in Terminating (empty otherwise). */
  holders: string[];
  failures: string[];
  /** Why it was refused (status `refused`). */
  reason?: string;
}

/** Either removal; `kind` tells which. */
export type Removal = ComposeRemoval | NamespaceRemoval;

/** The `removed` object of ephemeral-report/v1. */
export interface RemovedJson {
  status: RemovalStatus;
  containers: string[];
  networks: string[];
  volumes: string[];
  /** Compose: the images the environment built that were removed. */
  images?: string[];
  failures: string[];
  namespace?: string;
  releases?: string[];
  /** The fingerprint the environment recorded at its last deploy (docs/lock-file.md), when it had one. */
  fingerprint?: string;
}

/** True when nothing of the environment is left: `removed` or `already-gone`. */
export function removalSucceeded(removal: Removal): boolean {
  return removal.status === 'removed' || removal.status === 'already-gone';
}

/** The report's `removed` object (pure). */
export function removedJson(removal: Removal): RemovedJson {
  if (removal.kind === 'compose') {
    const { status, containers, networks, volumes, images, failures } = removal;
    return { status, containers, networks, volumes, images, failures };
  }
  const { status, failures, namespace, releases } = removal;
  return { status, containers: [], networks: [], volumes: [], failures, namespace, releases };
}

/**
 * One sentence for the log and the summary:
 * `removed — 2 container(s), 1 network(s), 0 volume(s), 1 image(s) removed`.
 */
export function describeRemoval(removal: Removal): string {
  if (removal.kind === 'compose')
    return `${removal.status} — ${removal.containers.length} container(s), ${removal.networks.length} network(s), ${removal.volumes.length} volume(s), ${removal.images.length} image(s) removed`;
  const releases = removal.releases.length ? ` (${removal.releases.join(', ')})` : '';
  return `${removal.status} — namespace \`${removal.namespace}\`, ${removal.releases.length} Helm release(s) uninstalled${releases}`;
}

/** The removal of `subject` (an environment's Compose project, or a namespace) that could not be asked about. */
export function errorRemoval(kind: Removal['kind'], subject: string, error: string): Removal {
  const failures = [error];
  return kind === 'compose'
    ? { kind, status: 'error', containers: [], networks: [], volumes: [], images: [], failures }
    : { kind, status: 'error', namespace: subject, releases: [], holders: [], failures };
}

/** The `removed` section: filled in once the teardown has run (`set`). */
export class RemovedSection implements ReportSection {
  private removal: Removal | undefined;
  /** The fingerprint the environment recorded at its last deploy (`sha256:…`), or '' (teardown sets it). */
  fingerprint = '';

  /** Records the removal. */
  set(removal: Removal): void {
    this.removal = removal;
  }

  fields(): Record<string, unknown> {
    if (!this.removal) return {};
    const removed = removedJson(this.removal);
    return { removed: this.fingerprint ? { ...removed, fingerprint: this.fingerprint } : removed };
  }

  summary(): string[] {
    const r = this.removal;
    if (!r) return [];
    const lines = [`**Teardown:** ${cell(describeRemoval(r))}.`, ''];
    if (this.fingerprint) lines.push(`Removed fingerprint: \`${this.fingerprint}\`.`, '');
    if (r.failures.length > 0) lines.push(...r.failures.map((f) => `- ⚠️ ${cell(f)}`), '');
    return lines;
  }
}
