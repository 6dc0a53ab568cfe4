/**
 * The fingerprint of a deploy-namespace deploy: a Helm chart (content, version, OCI digest, `Chart.lock`
 * dependencies by content, values files, `set` pairs with secret values sealed (secret-seal.ts), optionally
 * the rendered manifests), plain
 * manifests, or a kustomization (its files and its `kustomize build` output); plus the declared lock files
 * and the tool versions (shown, hashed only when asked).
 *
 * Values files and `set` pairs are hashed as written, before `{{sha}}`/`{{namespace}}` are rendered, so a
 * new commit or pull request does not change them. Rendered output is hashed with this run's own values
 * replaced by the same placeholders. When two renders differ (`randAlphaNum`, `genCA`, `now`, `uuidv4`…,
 * helm/helm#10689) the entry says `non-deterministic` and the inputs stand for the chart instead.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  FINGERPRINT_SCHEMA,
  type Fingerprint,
  fingerprintOf,
  hashContent,
  isText,
  posixPath,
  sortEntries,
} from './canonical.js';
import { chartContentHash, dependencyEntries, trimBom } from './chart.js';
import { type ModelContext, rewrite } from './compose-model.js';
import { lockFileEntries } from './lock-files.js';
import { SecretSeal } from './secret-seal.js';

/** The value that stands for a chart whose `helm template` output differs between two renders. */
export const NON_DETERMINISTIC = 'non-deterministic';

/** One `set` pair: its value enters the fingerprint as written, or sealed when secret (secret-seal.ts). */
export interface SetPair {
  key: string;
  /** The value as written (templates unrendered). */
  value: string;
  /** A `set` value (secret unless given in `set-public`), or a `set-public` value whose key looks secret. */
  secret: boolean;
}

/** Where the chart came from and where its content now is. */
export interface ResolvedChart {
  /** `chart.source`: a path relative to the workspace, `oci://…`, or `<repo URL> <name>`. */
  source: string;
  /** The chart directory or `.tgz` to hash (a local chart, or the copy `helm pull` wrote). */
  path: string;
  /** `--version` as given, or ''. */
  version: string;
  /** The OCI manifest digest `helm pull` printed, or ''. */
  digest: string;
}

/** What the namespace fingerprint takes. */
export interface NamespaceFingerprintInput {
  mode: 'helm' | 'manifests' | 'kustomize' | 'none';
  workspace: string;
  chart?: ResolvedChart;
  /** Values files, absolute, in order. */
  values?: string[];
  set?: SetPair[];
  /** Manifest files or directories, absolute. */
  manifests?: string[];
  /** The kustomization directory, absolute. */
  kustomize?: string;
  /** Renders the chart (`helm template`) or builds the kustomization; called twice for a chart. */
  render?: () => Promise<string>;
  /** Rewrites this run's own values in rendered output (namespace, sha). */
  ctx: ModelContext;
  lockFiles: readonly string[];
  tools: Record<string, string>;
  includeTools: boolean;
  /** Seals secret values (`fingerprint-key` and the secrets registered so far); default no key. */
  seal?: SecretSeal;
}

function rel(workspace: string, path: string): string {
  const r = relative(workspace, path);
  return posixPath(r.startsWith('..') ? path : r);
}

/** Manifest files as kubectl reads them: the files given, and `.yaml`/`.yml`/`.json` under directories. */
export function manifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(full);
    }
  };
  for (const path of paths) {
    if (statSync(path).isDirectory()) walk(path);
    else out.push(path);
  }
  return out;
}

/** Every file under `dir` (a kustomization), absolute. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * `rendered` text with this run's values replaced, hashed. A chart may transform a secret (`b64enc`,
 * `sha256sum`) where `sealText` cannot find it: with a key the whole text is HMACed (secret-seal.ts);
 * without one, the known secrets (and, from deploy-namespace, their base64 forms) are sealed first;
 * deploy-namespace renders secret `set` values as placeholders for this hash.
 */
function renderedHash(text: string, ctx: ModelContext, seal: SecretSeal): string {
  const rewritten = String(rewrite(text.replace(/\r\n/g, '\n'), ctx));
  return seal.digest(seal.keyed ? rewritten : seal.sealText(rewritten));
}

/**
 * A file's content hash with known secrets sealed in text files (a values file written from secrets). A
 * leading UTF-8 byte order mark is dropped: Helm reads the file the same with or without it.
 */
function sealedContentHash(raw: Buffer, seal: SecretSeal): string {
  const bytes = trimBom(raw);
  if (!isText(bytes)) return hashContent(bytes);
  const text = bytes.toString('utf8');
  const sealed = seal.sealText(text);
  return hashContent(sealed === text ? bytes : Buffer.from(sealed, 'utf8'));
}

function chartEntries(
  input: NamespaceFingerprintInput,
  seal: SecretSeal,
  entries: Record<string, string>,
  notes: string[],
): void {
  const chart = input.chart!;
  entries['chart.source'] = chart.source;
  if (chart.version) entries['chart.version'] = chart.version;
  if (chart.digest) entries['chart.digest'] = chart.digest;
  entries['chart.content'] = chartContentHash(chart.path);
  if (statSync(chart.path).isDirectory()) Object.assign(entries, dependencyEntries(chart.path, notes));
  const values = input.values ?? [];
  if (values.length > 0) entries['values.order'] = values.map((v) => rel(input.workspace, v)).join(' ');
  for (const file of values)
    entries[`values.${rel(input.workspace, file)}`] = sealedContentHash(readFileSync(file), seal);
  for (const pair of input.set ?? [])
    entries[`set.${pair.key}`] = pair.secret ? seal.seal(pair.value) : pair.value;
}

/**
 * Computes the fingerprint.
 * @throws UserInputError (lock-files) for a pattern matching nothing; Error when a file cannot be read or
 *   the render fails
 */
export async function namespaceFingerprint(
  input: NamespaceFingerprintInput,
  options: { rendered: boolean },
): Promise<Fingerprint> {
  const entries: Record<string, string> = {};
  const notes: string[] = [];
  const seal = input.seal ?? new SecretSeal('');
  if (input.mode === 'helm') {
    chartEntries(input, seal, entries, notes);
    if (options.rendered && input.render) {
      const first = await input.render();
      const second = await input.render();
      if (first === second) entries['chart.rendered'] = renderedHash(first, input.ctx, seal);
      else {
        entries['chart.rendered'] = NON_DETERMINISTIC;
        notes.push(
          'The chart is non-deterministic: two `helm template` renders differ (randAlphaNum, genCA, now, uuidv4 and the like, helm/helm#10689); the rendered manifests are not hashed, the chart, values and set pairs stand for them.',
        );
      }
    }
  } else if (input.mode === 'manifests') {
    for (const file of manifestFiles(input.manifests ?? []))
      entries[`manifests.${rel(input.workspace, file)}`] = hashContent(readFileSync(file));
  } else if (input.mode === 'kustomize' && input.kustomize && existsSync(input.kustomize)) {
    for (const file of allFiles(input.kustomize))
      entries[`kustomize.${rel(input.workspace, file)}`] = hashContent(readFileSync(file));
    if (input.render) entries['kustomize.build'] = renderedHash(await input.render(), input.ctx, seal);
  }
  Object.assign(entries, lockFileEntries(input.lockFiles, input.workspace));
  const sealed = seal.note();
  if (sealed) notes.push(sealed);
  if (input.includeTools)
    for (const [tool, version] of Object.entries(input.tools)) entries[`tools.${tool}`] = version;
  const document = { schema: FINGERPRINT_SCHEMA, kind: input.mode, entries: sortEntries(entries) };
  return { value: fingerprintOf(document), document, tools: { ...input.tools }, notes };
}

/**
 * The directory or archive `helm pull --untar --untardir <dir>` wrote (its only entry), and the OCI
 * digest from its output (`Digest: sha256:…`), or ''.
 */
export function pulledChart(dir: string, output: string): { path: string; digest: string } {
  const entries = readdirSync(dir);
  if (entries.length !== 1) throw new Error(`helm pull left ${entries.length} entries in ${dir}, expected 1`);
  const digest = /^Digest:\s*(sha256:[0-9a-f]{64})\s*$/m.exec(output)?.[1] ?? '';
  return { path: join(dir, entries[0]!), digest };
}
