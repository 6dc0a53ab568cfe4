/**
 * A chart's `Chart.yaml` and `Chart.lock` by what Helm reads from them, not by their bytes. `helm package`
 * (Helm 3 and 4) does not copy Chart.yaml: it loads it into Helm's `Metadata` struct and writes that back
 * (`chartutil.Save`, helm.sh/helm/v3/pkg/chartutil/save.go), so the packaged file has its keys sorted,
 * long strings folded, `appVersion: 1.0` written as `"1"`, unknown keys dropped, and empty or false
 * values (`deprecated: false`, `keywords: []`) left out (`omitempty` on every field of
 * helm.sh/helm/v3/pkg/chart/metadata.go and dependency.go). Checked with Helm v3.22.0 and v4.3.1:
 * `helm package <chart>` then `diff -r` against the folder differs in Chart.yaml only (for a chart without
 * .helmignore, hidden template files or dependency archives). Hashing the canonical form below makes a
 * chart folder and the package Helm made from it hash alike, and any change Helm would see changes it.
 */
import yaml from 'yaml';
import { hashJson } from './canonical.js';

/** The fields of Helm's chart `Metadata` (https://helm.sh/docs/topics/charts/#the-chartyaml-file). */
const METADATA_FIELDS = new Set([
  'apiVersion',
  'name',
  'version',
  'kubeVersion',
  'description',
  'type',
  'keywords',
  'home',
  'sources',
  'dependencies',
  'maintainers',
  'icon',
  'appVersion',
  'deprecated',
  'annotations',
  'condition',
  'tags',
]);
/** The fields of Helm's `Dependency` (Chart.yaml `dependencies[]`, Chart.lock `dependencies[]`). */
const DEPENDENCY_FIELDS = new Set([
  'name',
  'version',
  'repository',
  'condition',
  'tags',
  'enabled',
  'import-values',
  'alias',
]);
const MAINTAINER_FIELDS = new Set(['name', 'email', 'url']);
/** The fields of Helm's `Lock` (Chart.lock, requirements.lock). */
const LOCK_FIELDS = new Set(['generated', 'digest', 'dependencies']);

/** A path (POSIX, relative to the chart) whose file is hashed by `chartFileHash`'s canonical form. */
export function isChartMetadataPath(path: string): boolean {
  return /^(?:charts\/[^/]+\/)*(?:Chart\.yaml|Chart\.lock|requirements\.lock)$/.test(path);
}

/** Scalars as strings (Helm reads them into string fields), empties (`null`, `""`, `false`, `[]`, `{}`) gone. */
function normalize(value: unknown): unknown {
  if (value === null || value === undefined || value === false || value === '') return undefined;
  if (Array.isArray(value)) {
    const items = value.map(normalize).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const v = normalize(item);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return String(value);
}

function pick(value: unknown, fields: Set<string>): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => fields.has(k)));
}

function pickList(value: unknown, fields: Set<string>): unknown {
  return Array.isArray(value) ? value.map((item) => pick(item, fields)) : value;
}

/**
 * The canonical form of a Chart.yaml (`lock: false`) or Chart.lock (`lock: true`): Helm's fields only,
 * scalars as strings, empty values removed; `undefined` when the text is not a YAML mapping.
 * @throws nothing: YAML that does not parse gives `undefined` (the caller hashes the bytes instead)
 */
export function canonicalChartMetadata(text: string, lock: boolean): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = yaml.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const top = pick(parsed, lock ? LOCK_FIELDS : METADATA_FIELDS);
  if ('dependencies' in top) top.dependencies = pickList(top.dependencies, DEPENDENCY_FIELDS);
  if ('maintainers' in top) top.maintainers = pickList(top.maintainers, MAINTAINER_FIELDS);
  return (normalize(top) as Record<string, unknown> | undefined) ?? {};
}

/**
 * `sha256:<hex>` of a chart metadata file (`isChartMetadataPath`) by its canonical form, or `undefined`
 * when it does not parse as a YAML mapping (then it is hashed by its bytes, like any other file).
 */
export function chartMetadataHash(path: string, bytes: Uint8Array): string | undefined {
  const lock = !path.endsWith('Chart.yaml');
  const canonical = canonicalChartMetadata(Buffer.from(bytes).toString('utf8'), lock);
  return canonical === undefined ? undefined : hashJson({ [lock ? 'lock' : 'chart']: canonical });
}
