/**
 * The Compose part of a fingerprint: the resolved model (`docker compose config --format json`) turned
 * into entries that do not change from one deploy, clone or pull request to the next.
 *
 * Stripped or rewritten, because they are per-deploy or per-machine, not part of what is deployed:
 * - the project name (`name`), and the names Compose derives from it (`<project>_default` networks,
 *   `<project>_<volume>` volumes, `<project>-<service>` images of built services);
 * - absolute paths under the project directory (bind mounts, `env_file`, build contexts) → `./relative`;
 * - this run's own facts that a Compose file may interpolate (`${GITHUB_SHA}`, the run id, the
 *   environment name), replaced by placeholders such as `{{sha}}`, so a lock committed in a pull request
 *   still verifies on its next push;
 * - secret values: secret-looking environment values (the names `isSecretName` matches), URL passwords and
 *   every value registered as a secret (a password interpolated into a `command` or a `healthcheck`) are
 *   sealed (secret-seal.ts): an HMAC keyed by `fingerprint-key`, or `***` without it. A fingerprint is
 *   published (lock file, labels, summary), and a hash of a small document holding a secret can be guessed.
 * Nulls and empty objects are pruned (Compose versions differ in the empty defaults they print).
 *
 * The generated override (labels, port rewrites) is never part of the model hashed here: callers pass the
 * model resolved from the user's files alone.
 */
import { isSecretName } from '../runtime/secret-text.js';
import { hashJson, posixPath, prune } from './canonical.js';
import { SecretSeal } from './secret-seal.js';

/** What the model is stripped of. */
export interface ModelContext {
  /** The Compose project name this run uses (the environment name). */
  projectName: string;
  /** The absolute project directory (`--project-directory`). */
  projectDirectory: string;
  /**
   * This run's own values → placeholder, e.g. `{ '<40-hex sha>': '${sha}', '123456': '${run-id}' }`.
   * Values of 8 characters or more are replaced wherever they occur; shorter ones only as a whole string.
   */
  volatile: Record<string, string>;
  /** Seals secret values (secret-seal.ts); default: no key, nothing registered (secrets become `***`). */
  seal?: SecretSeal;
}

/** The resolved model, as `config --format json` prints it (only what is read here is typed). */
export interface ResolvedModel {
  name?: string;
  services?: Record<string, ResolvedService>;
  [section: string]: unknown;
}

/** One resolved service. */
export interface ResolvedService {
  image?: string;
  build?: Record<string, unknown> | string;
  environment?: Record<string, string | null>;
  [key: string]: unknown;
}

/** Keys of a service that get their own entry elsewhere (`image` as written, `build` by its inputs). */
const OWN_ENTRIES = new Set(['image', 'build']);

/** The project name's derived default names, per top-level section (`<project>_<key>`). */
const NAMED_SECTIONS = ['networks', 'volumes', 'configs', 'secrets'];

function rewriteString(text: string, ctx: ModelContext): string {
  let out = text;
  const dir = ctx.projectDirectory.replace(/[\\/]+$/, '');
  if (out === dir) out = '.';
  else if (out.startsWith(`${dir}/`) || out.startsWith(`${dir}\\`))
    out = `./${posixPath(out.slice(dir.length + 1))}`;
  for (const [value, placeholder] of Object.entries(ctx.volatile)) {
    if (value === '') continue;
    if (value.length >= 8) out = out.split(value).join(placeholder);
    else if (out === value) out = placeholder;
  }
  return out;
}

/** `value` with project paths made relative and this run's own values replaced (see `ModelContext`). */
export function rewrite(value: unknown, ctx: ModelContext): unknown {
  if (typeof value === 'string') return rewriteString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => rewrite(v, ctx));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, ctx)]));
  }
  return value;
}

/**
 * Environment with secret-looking values sealed whole and, in the others, URL passwords and known secrets
 * sealed (`***` without a key, see secret-seal.ts).
 */
export function redactEnvironment(
  env: Record<string, string | null>,
  seal: SecretSeal = new SecretSeal(''),
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value === null ? null : isSecretName(key) ? seal.seal(value) : seal.sealText(value);
  }
  return out;
}

/** True when the image name is the one Compose gives a built service by default (`<project>-<service>`). */
function isDefaultBuiltImage(service: ResolvedService, name: string, project: string): boolean {
  return service.build !== undefined && service.image === `${project}-${name}`;
}

/**
 * The model's entries: `services.<s>.image` (as written), `services.<s>.<key>` (a hash of each other
 * top-level key of the service, `build` excepted) and `compose.<section>.<name>` (a hash of each network,
 * volume, config, secret and extension).
 * Pure; the build inputs and image digests are added by the callers.
 */
export function composeEntries(model: ResolvedModel, ctx: ModelContext): Record<string, string> {
  const entries: Record<string, string> = {};
  const project = ctx.projectName;
  const seal = ctx.seal ?? new SecretSeal('');
  // Rewritten (paths, this run's values), then sealed: no secret enters a hash as itself.
  const clean = (value: unknown) => prune(seal.sealValue(rewrite(value, ctx)));
  for (const [name, service] of Object.entries(model.services ?? {})) {
    if (service.image !== undefined && !isDefaultBuiltImage(service, name, project))
      entries[`services.${name}.image`] = rewriteString(service.image, ctx);
    for (const [key, raw] of Object.entries(service)) {
      if (OWN_ENTRIES.has(key)) continue;
      const value =
        key === 'environment' && raw && typeof raw === 'object'
          ? redactEnvironment(rewrite(raw, ctx) as Record<string, string | null>, seal)
          : raw;
      const pruned = clean(value);
      if (pruned === undefined) continue;
      if (typeof pruned === 'object' && Object.keys(pruned as object).length === 0) continue;
      entries[`services.${name}.${key}`] = hashJson(pruned);
    }
  }
  for (const [section, content] of Object.entries(model)) {
    if (section === 'name' || section === 'services') continue;
    if (!content || typeof content !== 'object' || Array.isArray(content)) {
      if (content !== undefined && content !== null)
        entries[`compose.${section}`] = hashJson(clean(content) ?? null);
      continue;
    }
    for (const [key, def] of Object.entries(content as Record<string, unknown>)) {
      let value = def;
      if (NAMED_SECTIONS.includes(section) && def && typeof def === 'object') {
        const { name, ...rest } = def as { name?: string };
        value = name === `${project}_${key}` ? rest : def;
      }
      entries[`compose.${section}.${key}`] = hashJson(clean(value) ?? null);
    }
  }
  return entries;
}

/** True when a build context is a remote one (a Git URL or an HTTP tarball), not a local directory. */
export function isRemoteContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || /^git@/.test(context) || /^github\.com\//.test(context);
}
