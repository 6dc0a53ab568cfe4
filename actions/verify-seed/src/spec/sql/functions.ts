/**
 * Functions a check query may not call, per dialect: those with an effect that a READ ONLY transaction
 * does not stop (files on the database server, other sessions, other connections, locks that outlive the
 * transaction, sequences, settings) and those that run SQL given as text, which the parser cannot see
 * into. Names compare in lower case, without schema (`pg_catalog.lo_export` is `lo_export`).
 *
 * Sources: https://www.postgresql.org/docs/current/functions-admin.html (server signalling, backup,
 * replication, file access, advisory locks), https://www.postgresql.org/docs/current/lo-funcs.html,
 * https://www.postgresql.org/docs/current/dblink.html, https://www.postgresql.org/docs/current/tablefunc.html,
 * https://www.postgresql.org/docs/current/functions-xml.html (query_to_xml),
 * https://www.postgresql.org/docs/current/textsearch-features.html (ts_stat);
 * https://dev.mysql.com/doc/refman/8.0/en/string-functions.html#function_load-file,
 * https://dev.mysql.com/doc/refman/8.0/en/locking-functions.html,
 * https://dev.mysql.com/doc/refman/8.0/en/miscellaneous-functions.html (SLEEP),
 * https://dev.mysql.com/doc/refman/8.0/en/information-functions.html (BENCHMARK),
 * https://mariadb.com/kb/en/sequence-functions/.
 *
 * Sleeping is allowed up to the check's timeout: `pg_sleep(n)` / `SLEEP(n)` with a constant n.
 */

import type { Dialect } from '../types.js';

/** A refused function family and why. */
interface FunctionRule {
  match: RegExp;
  why: string;
}

const POSTGRES_RULES: readonly FunctionRule[] = [
  {
    match: /^(lo_\w+|lowrite|loread)$/,
    why: 'large-object functions reach files and objects on the database server (lo_export writes a file there)',
  },
  {
    match: /^pg_(read_file|read_binary_file|stat_file|ls_\w+|logdir_ls)$/,
    why: "it reads the database server's file system",
  },
  { match: /^pg_(file_\w+|write\w*)$/, why: 'it writes files on the database server (adminpack)' },
  { match: /^dblink/, why: 'dblink opens another connection, outside the read-only transaction' },
  {
    match:
      /^pg_(terminate_backend|cancel_backend|reload_conf|rotate_logfile\w*|promote|switch_wal|switch_xlog|create_restore_point|start_backup|stop_backup|backup_start|backup_stop|wal_replay_pause|wal_replay_resume|xlog_replay_pause|xlog_replay_resume|import_system_collations|log_backend_memory_contexts)$/,
    why: 'it acts on the server or on other sessions',
  },
  {
    match: /replication_slot|^pg_replication_origin_|^pg_logical_/,
    why: 'it changes replication state',
  },
  { match: /^pg_stat_reset|^pg_stat_statements_reset$/, why: 'it resets statistics' },
  { match: /^pg_(try_)?advisory_/, why: 'advisory locks outlive the transaction' },
  { match: /^(set_config|setval|nextval)$/, why: 'it changes a setting or a sequence' },
  { match: /^pg_notify$/, why: 'it sends a notification (NOTIFY)' },
  {
    match: /^(query_to_xml\w*|cursor_to_xml\w*|ts_stat|crosstab\d*|connectby)$/,
    why: 'it runs SQL given as text, which cannot be checked',
  },
  {
    match: /^pg_sleep_(for|until)$/,
    why: 'a sleep is allowed only as pg_sleep(seconds) with a constant within the check timeout',
  },
];

const MYSQL_RULES: readonly FunctionRule[] = [
  { match: /^load_file$/, why: "it reads a file on the database server's file system" },
  { match: /^benchmark$/, why: "it burns the server's CPU for as many rounds as it is told" },
  {
    match: /^(get_lock|release_lock|release_all_locks)$/,
    why: 'named locks outlive the transaction',
  },
  {
    match:
      /^(master_pos_wait|source_pos_wait|master_gtid_wait|wait_for_executed_gtid_set|wait_until_sql_thread_after_gtids)$/,
    why: 'it waits on replication',
  },
  { match: /^sys_(exec|eval)$/, why: 'it runs a shell command on the database server (lib_mysqludf_sys)' },
  { match: /^(nextval|setval)$/, why: 'it changes a sequence' },
];

/** The sleep function of each dialect, allowed with a constant number of seconds up to the timeout. */
export const SLEEP_FUNCTION = { postgres: 'pg_sleep', mysql: 'sleep' } as const;

/**
 * Why a call of `name` is refused, or null when it may be called.
 * @param name the function's name without schema, any case
 */
export function refusedFunction(dialect: Dialect, name: string): string | null {
  const lower = name.toLowerCase();
  const rule = (dialect === 'postgres' ? POSTGRES_RULES : MYSQL_RULES).find((r) => r.match.test(lower));
  return rule ? rule.why : null;
}

/**
 * Why a sleep of `seconds` is refused, or null when it fits the check's timeout.
 * @param seconds the constant argument, or null when it is not a constant number
 * @param timeoutMs the check's timeout (ms)
 */
export function refusedSleep(name: string, seconds: number | null, timeoutMs: number): string | null {
  if (seconds === null || !Number.isFinite(seconds))
    return `${name}() is allowed only with a constant number of seconds`;
  if (seconds * 1000 > timeoutMs)
    return `${name}(${seconds}) sleeps longer than the check's timeout (${timeoutMs / 1000} s)`;
  return null;
}

/** The wording every refusal ends with: what a check may do instead. */
export const ALLOWED_READS: Record<Dialect, string> = {
  postgres: 'a check may only read: SELECT, WITH … SELECT, VALUES, TABLE, SHOW or EXPLAIN without ANALYZE',
  mysql: 'a check may only read: SELECT, WITH … SELECT, SHOW, DESCRIBE or EXPLAIN',
};
