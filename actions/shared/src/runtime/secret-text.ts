/**
 * Where secrets hide in text the actions handle, and how each is found (pure; secrets.ts registers what
 * these find, so `redact` removes it from every file and the runner masks it in the log):
 *
 * - **Secret names.** A variable, key, header or flag name is secret when one of its words — split at
 *   `_`, `-`, `.` and lower→upper case changes — is, or begins or ends with, one of KEY, TOKEN, SECRET,
 *   PASSWORD, PASSWD, PASS, PWD, CREDENTIAL, PRIVATE, AUTH, DSN, SIGNING, CERT, COOKIE, SESSION
 *   (`SIGNING_KEY`, `apiKey`, `X-Api-Key`, `db.password`, `PGPASSWORD`, `AUTHORIZATION`,
 *   `client-certificate-data`). It errs on the side of hiding (`MONKEY`, `AUTHOR` count too).
 * - **URLs.** The password of `scheme://user:pw@host` and of `scheme://:pw@host` (Redis), and the value
 *   of every query parameter with a secret name (`?password=…`, `&token=…`, `sslkey=…`).
 * - **Command lines.** The value of a flag with a secret name (`--password X`, `--password=X`,
 *   `--requirepass X`), of a `NAME=value` argument with a secret name, and URL passwords in any argument.
 */

const SECRET_WORDS = [
  'KEY',
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'CREDENTIAL',
  'PRIVATE',
  'AUTH',
  'DSN',
  'SIGNING',
  'CERT',
  'COOKIE',
  'SESSION',
];

/** The words of a name: `SIGNING_KEY` → SIGNING, KEY; `apiKey` → API, KEY; `X-Api-Key` → X, API, KEY. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase());
}

/** True when `name` (a variable, key, header or flag) names a secret; see the module comment. */
export function isSecretName(name: string): boolean {
  return nameWords(name).some((word) =>
    SECRET_WORDS.some((s) => word === s || word.startsWith(s) || word.endsWith(s)),
  );
}

/** Text with its secrets replaced by `***`, and the secret values found (to register). */
export interface Redacted {
  text: string;
  secrets: string[];
}

// The password runs to the last @ before the host, as WHATWG URL reads it (p@ss in a:p@ss@host).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@?#]*):([^\s/?#]+)@/gi;
const QUERY = /([?&;])([^=&;#\s"'\\<>]+)=([^&;#\s"'\\<>]*)/g;

/** Removes URL passwords and secret-named query values from `text` (every URL in it). */
export function redactUrls(text: string): Redacted {
  const secrets: string[] = [];
  let out = text.replace(USERINFO, (_m, scheme: string, user: string, password: string) => {
    if (password === '***') return `${scheme}${user}:***@`;
    secrets.push(password);
    try {
      const decoded = decodeURIComponent(password);
      if (decoded !== password) secrets.push(decoded);
    } catch {
      // not percent-encoded
    }
    return `${scheme}${user}:***@`;
  });
  if (out.includes('://') || out.includes('?')) {
    out = out.replace(QUERY, (m, sep: string, name: string, value: string) => {
      if (!isSecretName(name) || value === '' || value === '***') return m;
      secrets.push(value);
      return `${sep}${name}=***`;
    });
  }
  return { text: out, secrets };
}

/** A command line with secret values replaced by `***` (see the module comment), and what was found. */
export function redactArgv(argv: readonly string[]): { argv: string[]; secrets: string[] } {
  const secrets: string[] = [];
  const out: string[] = [];
  let hideNext = false;
  for (const arg of argv) {
    if (hideNext) {
      hideNext = false;
      if (arg !== '') {
        secrets.push(arg);
        out.push('***');
        continue;
      }
    }
    const flag = /^(--?[A-Za-z][\w.-]*)(=(.*))?$/s.exec(arg);
    if (flag && isSecretName(flag[1]!)) {
      if (flag[2] === undefined) {
        hideNext = true;
        out.push(arg);
      } else {
        if (flag[3]) secrets.push(flag[3]);
        out.push(`${flag[1]}=***`);
      }
      continue;
    }
    const assignment = /^([A-Za-z_][\w.-]*)=(.+)$/s.exec(arg);
    if (assignment && isSecretName(assignment[1]!)) {
      secrets.push(assignment[2]!);
      out.push(`${assignment[1]}=***`);
      continue;
    }
    const urls = redactUrls(arg);
    secrets.push(...urls.secrets);
    out.push(urls.text);
  }
  return { argv: out, secrets };
}
