/**
 * The lexical pass over a MySQL/MariaDB check query, before its parser (mysql.ts) sees it. The mysql and
 * mariadb command-line clients used for exec connections (`mysql -e`) split their input into statements
 * and run client commands themselves, so what reaches the server is decided here, by the same rules the
 * client and the server use:
 *
 * - string literals ('…' and "…", with '' escapes and backslash escapes) and `…` identifiers;
 * - comments: `# …`, `/* … *\/`, and `-- …` only when a space or control character follows the dashes
 *   (https://dev.mysql.com/doc/refman/8.0/en/comments.html); `--x` is a double minus to the server, while
 *   most SQL parsers take it for a comment, so it is refused rather than guessed;
 * - `/*! … *\/` and `/*M! … *\/` are run by the server as SQL (executable comments,
 *   https://mariadb.com/kb/en/comment-syntax/): refused;
 * - a backslash outside quotes is a client command (`\! cmd` runs a shell), and so is a first word such
 *   as `system` or `source` (https://dev.mysql.com/doc/refman/8.0/en/mysql-commands.html): refused;
 * - the server's sql_mode changes where a string ends: NO_BACKSLASH_ESCAPES makes `\` plain, ANSI_QUOTES
 *   makes "…" an identifier without backslash escapes. A query whose strings end in different places
 *   under those modes is refused, so the parser and the server always read the same statement.
 *
 * PostgreSQL needs none of this: its own parser (postgres.ts) sees the text exactly as the server will,
 * and psql sends a `-c` string to the server as it is (https://www.postgresql.org/docs/current/app-psql.html).
 */

/** Client commands of the mysql / mariadb command-line client, by their long names. */
const MYSQL_CLIENT_COMMANDS = new Set([
  'charset',
  'clear',
  'connect',
  'delimiter',
  'edit',
  'ego',
  'exit',
  'go',
  'help',
  'nopager',
  'notee',
  'nowarning',
  'pager',
  'print',
  'prompt',
  'quit',
  'rehash',
  'resetconnection',
  'source',
  'status',
  'system',
  'tee',
  'use',
  'warnings',
]);

/** The query without trailing `;` and whitespace, or the reason it is refused. */
export type StatementCheck = { ok: true; statement: string } | { ok: false; reason: string };

/** Which quotes take backslash escapes: the server's default, ANSI_QUOTES, NO_BACKSLASH_ESCAPES. */
const SQL_MODES: ReadonlyArray<{ name: string; escapes: string }> = [
  { name: 'the default sql_mode', escapes: `'"` },
  { name: 'sql_mode ANSI_QUOTES', escapes: `'` },
  { name: 'sql_mode NO_BACKSLASH_ESCAPES', escapes: '' },
];

/** One scan: the offsets where quoted tokens and comments end, and the first top-level semicolon. */
type Scan = { ok: true; ends: number[]; semicolon: number } | { ok: false; reason: string };

/**
 * Checks that `sql` is exactly one MySQL/MariaDB statement with no client command, no executable comment
 * and no token the server could read differently from the parser.
 * @returns the statement with its trailing semicolon(s) removed, or why it is refused
 */
export function singleMysqlStatement(sql: string): StatementCheck {
  const text = sql.trim();
  if (text === '') return { ok: false, reason: 'the query is empty' };
  const first = /^[A-Za-z]+/.exec(text)?.[0]?.toLowerCase() ?? '';
  if (MYSQL_CLIENT_COMMANDS.has(first))
    return { ok: false, reason: `"${first}" is a command of the mysql client, not a query` };
  const scans = SQL_MODES.map((mode) => scan(text, mode.escapes));
  const [main] = scans;
  if (!main?.ok) return main ?? { ok: false, reason: 'the query is empty' };
  for (const [i, other] of scans.entries()) {
    if (!other.ok || other.ends.join() !== main.ends.join() || other.semicolon !== main.semicolon)
      return {
        ok: false,
        reason: `a backslash before a quote inside a string is read differently under ${SQL_MODES[i]?.name}, so the server could see another statement; write a quote inside a string as two quotes ('it''s')`,
      };
  }
  return { ok: true, statement: (main.semicolon >= 0 ? text.slice(0, main.semicolon) : text).trim() };
}

/** Scans `text`; `escapes` lists the quote characters inside which a backslash escapes the next one. */
function scan(text: string, escapes: string): Scan {
  const ends: number[] = [];
  let semicolon = -1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const after = text[i + 2];
      if (after === undefined || !(after.charCodeAt(0) <= 0x20))
        return {
          ok: false,
          reason:
            'MySQL reads "--" as a comment only when a space follows it; write "-- " for a comment or "- -" for a double minus',
        };
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
      ends.push(i);
      continue;
    }
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
      ends.push(i);
      continue;
    }
    if (c === '/' && next === '*') {
      if (text[i + 2] === '!' || (text[i + 2] === 'M' && text[i + 3] === '!'))
        return {
          ok: false,
          reason:
            'MySQL and MariaDB run the text of a /*! … */ comment as SQL; executable comments are not allowed',
        };
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return { ok: false, reason: 'an unterminated /* comment' };
      i = close + 2;
      ends.push(i);
      continue;
    }
    if (semicolon >= 0 && !/\s/.test(c) && c !== ';')
      return {
        ok: false,
        reason:
          'it holds several statements; a check runs exactly one, so it can be held in a read-only transaction',
      };
    if (c === "'" || c === '"' || c === '`') {
      const backslash = escapes.includes(c);
      i++;
      while (i < text.length) {
        if (backslash && text[i] === '\\') {
          i += 2;
          continue;
        }
        if (text[i] === c) {
          if (text[i + 1] === c) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      if (i >= text.length) return { ok: false, reason: `an unterminated ${c} quote` };
      i++;
      ends.push(i);
      continue;
    }
    if (c === '\\')
      return {
        ok: false,
        reason: 'a backslash outside quotes is a mysql client command (e.g. \\! runs a shell)',
      };
    if (c === ';' && semicolon < 0) semicolon = i;
    i++;
  }
  return { ok: true, ends, semicolon };
}
