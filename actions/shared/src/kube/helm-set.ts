/**
 * Helm's `--set` syntax, read the way Helm reads it (helm/pkg/strvals/parser.go, "parse values from
 * --set"): an argument holds `key=value` pairs separated by commas; a key is a path of names joined by `.`
 * with optional list indexes `name[2]`; a value runs to the next comma, or is a list `{a,b}`; a backslash
 * makes the next character plain anywhere (`\,` is a comma inside a value, `\.` a dot inside a name).
 * Values are typed as Helm types them (strvals `typedVal`): true / false / null (any case), 0, integers
 * without a leading zero, and everything else a string.
 *
 * Used to validate the `set` input before anything runs, to show it in reports with each value as `***`
 * (`redactHelmSet`: a value may be a password), and to hash it in that redacted form (issue 11). Docs:
 * https://helm.sh/docs/intro/using_helm/#the-format-and-limitations-of---set
 */

/** One `key=value` of a `--set` argument. */
export interface HelmSetPair {
  /** The key as written (escapes kept), e.g. `ingress.hosts[0]`. */
  key: string;
  /** The key's path: names and list indexes, unescaped, e.g. `['ingress', 'hosts', 0]`. */
  path: Array<string | number>;
  /** The value as written (escapes kept); a list keeps its braces: `{a,b}`. */
  raw: string;
  /** The value as Helm sets it: typed scalar, or a list of typed scalars. */
  value: unknown;
}

/** A `--set` argument Helm would refuse. `message` says where and why. */
export class HelmSetError extends Error {
  override readonly name = 'HelmSetError';
}

/** strvals `typedVal`. */
function typed(text: string): unknown {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  if (text !== '' && text[0] !== '0' && /^[+-]?\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
    // int64 range beyond 2^53 is kept as text: JSON output of such values loses precision anyway.
    if (BigInt(text) <= 9223372036854775807n && BigInt(text) >= -9223372036854775808n) return text;
  }
  return text;
}

/** Reads runes until one of `stop`, honouring backslash escapes; returns [raw, unescaped, stop or ''] . */
function until(
  text: string,
  at: number,
  stop: string,
): { raw: string; plain: string; end: number; hit: string } {
  let plain = '';
  let i = at;
  while (i < text.length) {
    const c = text[i]!;
    if (stop.includes(c)) return { raw: text.slice(at, i), plain, end: i, hit: c };
    if (c === '\\' && i + 1 < text.length) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    plain += c;
    i++;
  }
  return { raw: text.slice(at, i), plain, end: i, hit: '' };
}

/**
 * Splits one `--set` argument into its pairs.
 * @throws HelmSetError for what Helm refuses: a key without `=`, an empty key, a bad list index, an
 *   unclosed `{` list
 */
export function parseHelmSet(arg: string): HelmSetPair[] {
  const pairs: HelmSetPair[] = [];
  let i = 0;
  while (i < arg.length) {
    const start = i;
    const path: Array<string | number> = [];
    for (;;) {
      const name = until(arg, i, '=.[,');
      if (name.plain === '') throw new HelmSetError(`"${arg.slice(start, name.end + 1)}": a key is empty`);
      path.push(name.plain);
      i = name.end + 1;
      let hit = name.hit;
      while (hit === '[') {
        const index = until(arg, i, ']');
        if (index.hit !== ']' || !/^\d+$/.test(index.plain))
          throw new HelmSetError(
            `"${arg.slice(start, index.end + 1)}": a list index must be a number in [ ]`,
          );
        path.push(Number(index.plain));
        hit = arg[index.end + 1] ?? '';
        i = index.end + 2;
        if (hit !== '=' && hit !== '.' && hit !== '[')
          throw new HelmSetError(`"${arg.slice(start, i)}": expected "=", "." or "[" after "]"`);
      }
      if (hit === '.') continue;
      if (hit === '=') break;
      throw new HelmSetError(`key "${arg.slice(start, name.end)}" has no value (write key=value)`);
    }
    const key = arg.slice(start, i - 1);
    let raw: string;
    let value: unknown;
    if (arg[i] === '{') {
      const items: unknown[] = [];
      let j = i + 1;
      for (;;) {
        const item = until(arg, j, ',}');
        if (item.hit === '') throw new HelmSetError(`"${key}": the list {… is not closed with }`);
        items.push(typed(item.plain));
        j = item.end + 1;
        if (item.hit === '}') break;
      }
      raw = arg.slice(i, j);
      value = items;
      i = j;
      if (i < arg.length && arg[i] !== ',')
        throw new HelmSetError(`"${key}": a list must end the pair (found "${arg[i]}" after })`);
      i++;
    } else {
      const text = until(arg, i, ',');
      raw = text.raw;
      value = typed(text.plain);
      i = text.end + 1;
    }
    pairs.push({ key, path, raw, value });
  }
  return pairs;
}

/** `a.b=x,c=\,y` → `a.b=***,c=***`: each value hidden, keys kept. Text Helm would refuse shows as `***`. */
export function redactHelmSet(arg: string): string {
  try {
    return parseHelmSet(arg)
      .map((p) => `${p.key}=***`)
      .join(',');
  } catch {
    return '***';
  }
}

/** The values of a pair as plain text (each list item too): what must be registered as secrets. */
export function helmSetSecrets(pair: HelmSetPair): string[] {
  const plain = (v: unknown) => (v === null ? 'null' : String(v));
  const values = Array.isArray(pair.value) ? pair.value.map(plain) : [plain(pair.value)];
  return [...new Set([pair.raw, ...values])];
}

/**
 * The values Helm builds from `args` (each one `--set` argument, applied in order), for tests that
 * compare with Helm's own rendering.
 */
export function helmSetValues(args: readonly string[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const arg of args) {
    for (const pair of parseHelmSet(arg)) {
      let node: Record<string | number, unknown> | unknown[] = root;
      pair.path.forEach((part, n) => {
        const last = n === pair.path.length - 1;
        const next = pair.path[n + 1];
        const container = node as Record<string | number, unknown>;
        if (last) {
          container[part] = pair.value;
          return;
        }
        const existing = container[part];
        if (typeof next === 'number') {
          if (!Array.isArray(existing)) container[part] = [];
        } else if (!existing || typeof existing !== 'object' || Array.isArray(existing)) container[part] = {};
        node = container[part] as Record<string | number, unknown>;
      });
    }
  }
  return root;
}
