/**
 * `isolation: vcluster` with manifests or a kustomization: the Services the source holds that the namespace
 * does not are created by a POST (`kubectl create`) before the server-side apply of everything.
 *
 * Why: vcluster 0.36's API proxy gives a Service the host's ClusterIP only on `create`
 * (loft-sh/vcluster pkg/server/filters/service.go, WithServiceCreateRedirect, verb `create`). A Service
 * created by `kubectl apply --server-side` (a PATCH) gets an IP of the virtual cluster's own; the syncer then
 * deletes and recreates it with the host's IP ("recreating virtual service"), and when another virtual
 * Service already holds that IP the recreation fails and the Service is lost in both clusters.
 *
 * A second push stays idempotent: the Services exist, none is created, and the server-side apply updates
 * them as every other object (a PATCH of an existing Service keeps its IP). A Service added by a later push
 * is created the same way. (Client-side apply of the Services instead would give them a second apply
 * method, with its last-applied annotation, beside the server-side apply of everything else.)
 */
import { readFileSync } from 'node:fs';
import yaml from 'yaml';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import type { WorkloadFiles } from './apply.js';
import { manifestFiles } from './manifest-files.js';

/** A manifest object (fields used here). */
interface ManifestObject {
  kind?: string;
  metadata?: { name?: string };
  items?: ManifestObject[];
}

/**
 * The Services among the YAML (or JSON) documents of the source (Lists flattened) that are not in
 * `existing` (`service/<name>` lines of `kubectl get services --output name`), in source order (pure).
 */
export function missingServices(manifests: string, existing: string[]): ManifestObject[] {
  const have = new Set(existing.map((l) => l.trim()));
  const flat = (o: ManifestObject | null): ManifestObject[] =>
    !o ? [] : o.kind === 'List' || Array.isArray(o.items) ? (o.items ?? []).flatMap(flat) : [o];
  return yaml
    .parseAllDocuments(manifests)
    .flatMap((doc) => flat(doc.toJS() as ManifestObject | null))
    .filter((o) => o.kind === 'Service' && !have.has(`service/${o.metadata?.name ?? ''}`));
}

/**
 * The source's objects as YAML, read without the cluster (a CRD and its objects in one source cannot be
 * mapped before the CRD exists): the manifest files as `kubectl apply --recursive` reads them, or
 * `kubectl kustomize <dir>`.
 * @throws ToolError when `kubectl kustomize` fails
 */
export async function readSource(
  kubectl: Kubectl,
  source: WorkloadFiles,
  timeoutMs: number,
): Promise<string> {
  if ('kustomize' in source)
    return (await kubectl.run(['kustomize', source.kustomize], { timeoutMs })).stdout;
  return source.manifests
    .flatMap(manifestFiles)
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n---\n');
}

/**
 * Creates the source's Services missing from `namespace`, each by a POST; logs `created service/<name>`.
 * Returns the `service/<name>` lines created.
 * @param timeoutMs for each kubectl call
 * @throws ToolError when the kustomization, the listing or the create fails
 */
export async function createMissingServices(
  kubectl: Kubectl,
  namespace: string,
  source: WorkloadFiles,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<string[]> {
  const manifests = await readSource(kubectl, source, timeoutMs);
  const existing = await kubectl.run(['get', 'services', '--namespace', namespace, '--output', 'name'], {
    timeoutMs,
  });
  const missing = missingServices(manifests, existing.stdout.split('\n'));
  if (missing.length === 0) return [];
  const created = await kubectl.run(
    ['create', '--namespace', namespace, '--output', 'name', '--filename', '-'],
    { timeoutMs, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: missing }) },
  );
  const lines = created.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of lines) log(`created ${line} (a POST: vcluster gives it the host's ClusterIP)`);
  return lines;
}
