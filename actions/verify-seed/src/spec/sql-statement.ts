/**
 * One SQL statement per check. A read-only transaction only protects the statements inside it: a query
 * text such as `SELECT 1; COMMIT; DELETE FROM users` would end it and write. The drivers refuse several
 * statements in one query (pg's extended protocol, mysql2 without `multipleStatements`), but the command-line
 * clients used for exec connections (psql `-c`, mysql `-e`) accept them, so every query is checked here,
 * before anything connects.
 *
 * The scanner knows string literals ('…' with '' escapes; backslash escapes in MySQL), quoted identifiers
 * ("…", and `…` in MySQL), PostgreSQL dollar quoting ($tag$…$tag$,
 * https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-DOLLAR-QUOTING) and comments
 * (-- …, /* … *\/, and # … in MySQL, https://dev.mysql.com/doc/refman/8.0/en/comments.html).
 * It also refuses client commands: a leading backslash for psql (`\! cmd` runs a shell,
 * https://www.postgresql.org/docs/current/app-psql.html) and, for the mysql/mariadb client, a backslash
 * outside quotes (`\! cmd`, `\. file`) or a first word naming a client command (`system`, `source`, …,
 * https://dev.mysql.com/doc/refman/8.0/en/mysql-commands.html).
 */
import type { Dialect } from './types.js';

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

/** The query without trailing `;` and whitespace, or the reason it is not exactly one statement. */
export type StatementCheck = { ok: true; statement: string } | { ok: false; reason: string };

/**
 * The index after the quoted text opening at `start` (`'`, `"`, or a MySQL backtick), or -1 when it is not
 * closed. A doubled quote stands for itself; in MySQL a backslash escapes the next character (not in
 * backticks).
 */
function skipQuoted(text: string, start: number, mysql: boolean): number {
  const q = text[start]!;
  let i = start + 1;
  while (i < text.length) {
    if (mysql && text[i] === '\\' && q !== '`') {
      i += 2;
      continue;
    }
    if (text[i] === q) {
      if (text[i + 1] !== q) return i + 1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/**
 * Checks that `sql` is one statement and carries no client command.
 * @returns the statement with its trailing semicolon(s) removed, or why it is refused
 */
export function singleStatement(sql: string, dialect: Dialect): StatementCheck {
  const text = sql.trim();
  if (text === '') return { ok: false, reason: 'the query is empty' };
  if (text.startsWith('\\'))
    return {
      ok: false,
      reason: 'client meta-commands (a leading backslash) are not SQL and are not allowed',
    };
  const mysql = dialect === 'mysql';
  if (mysql) {
    const first = /^[A-Za-z]+/.exec(text)?.[0]?.toLowerCase() ?? '';
    if (MYSQL_CLIENT_COMMANDS.has(first))
      return { ok: false, reason: `"${first}" is a command of the mysql client, not a query` };
  }
  let end = -1; // index of the first top-level semicolon
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
      continue;
    }
    if (mysql && c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return { ok: false, reason: 'an unterminated /* comment' };
      i = close + 2;
      continue;
    }
    if (end >= 0 && !/\s/.test(c) && c !== ';')
      return {
        ok: false,
        reason:
          'it holds several statements; a check runs exactly one, so it can be held in a read-only transaction',
      };
    if (c === "'" || c === '"' || (mysql && c === '`')) {
      const after = skipQuoted(text, i, mysql);
      if (after < 0) return { ok: false, reason: `an unterminated ${c} quote` };
      i = after;
      continue;
    }
    if (!mysql && c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      const before = i > 0 ? text[i - 1]! : ' ';
      if (tag && !/[A-Za-z0-9_]/.test(before)) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        if (close < 0) return { ok: false, reason: `an unterminated ${tag[0]} dollar quote` };
        i = close + tag[0].length;
        continue;
      }
    }
    if (mysql && c === '\\')
      return {
        ok: false,
        reason: 'a backslash outside quotes is a mysql client command (e.g. \\! runs a shell)',
      };
    if (c === ';' && end < 0) end = i;
    i++;
  }
  return { ok: true, statement: (end >= 0 ? text.slice(0, end) : text).trim() };
}
