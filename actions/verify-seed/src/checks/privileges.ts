/**
 * Who a SQL connection logs in as, and whether that role could write through a READ ONLY transaction. A
 * PostgreSQL superuser (or a member of pg_execute_server_program / pg_write_server_files /
 * pg_read_server_files, https://www.postgresql.org/docs/current/predefined-roles.html) can run programs
 * and reach files on the database server; a MySQL/MariaDB user with SUPER or FILE
 * (https://dev.mysql.com/doc/refman/8.0/en/privileges-provided.html) can write files with INTO OUTFILE
 * and change global settings. The query check (spec/sql/) refuses those statements; this probe makes the
 * risk visible, with the fix, as a warning in the job summary.
 */
import type { SqlConnection, SqlResult } from '../connections/types.js';

/** What the probe found about one connection's role. */
export interface RoleFinding {
  /** The role as the server names it (`postgres`, `root@%`). */
  role: string;
  /** The powers that reach past a READ ONLY transaction, e.g. `superuser`, `FILE`; empty when none. */
  powers: string[];
}

/** The probe query per dialect: one row, the role then the powers. */
export const ROLE_QUERIES = {
  postgres: `SELECT current_user::text AS role, r.rolsuper AS superuser,
  pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS execute_server_program,
  pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write_server_files,
  pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read_server_files
FROM pg_roles r WHERE r.rolname = current_user`,
  mysql: `SELECT CURRENT_USER() AS role, GROUP_CONCAT(PRIVILEGE_TYPE) AS privileges
FROM information_schema.USER_PRIVILEGES
WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`,
} as const;

/** pg booleans, psql's `t`/`f`, the mysql client's text. */
function truthy(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === 'string' && /^(t|true|1)$/i.test(value));
}

/** Reads the probe's row (pure, for tests). */
export function roleOf(kind: 'postgres' | 'mysql', result: SqlResult): RoleFinding | null {
  const row = result.rows[0];
  if (!row) return null;
  const role = String(row[0] ?? '');
  if (kind === 'postgres') {
    const names = ['superuser', 'pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files'];
    const powers = names.filter((_, i) => truthy(row[i + 1]));
    return { role, powers: powers.includes('superuser') ? ['superuser'] : powers };
  }
  const privileges = String(row[1] ?? '')
    .split(',')
    .map((p) => p.trim().toUpperCase());
  return { role, powers: ['SUPER', 'FILE'].filter((p) => privileges.includes(p)) };
}

/**
 * Runs the probe on `connection`, read-only, bounded by `timeoutMs`.
 * @returns the finding, or null when the server did not answer it (the checks report that already)
 */
export async function probeRole(connection: SqlConnection, timeoutMs: number): Promise<RoleFinding | null> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const result = await connection.query(ROLE_QUERIES[connection.kind], [], {
      readOnly: true,
      signal,
      timeoutMs,
    });
    return roleOf(connection.kind, result);
  } catch {
    return null;
  }
}

/** The summary warning for a role with powers, naming the fix (a role that can only read). */
export function roleWarning(name: string, connection: SqlConnection, finding: RoleFinding): string | null {
  if (finding.powers.length === 0) return null;
  const what =
    connection.kind === 'postgres'
      ? finding.powers.includes('superuser')
        ? 'a superuser'
        : `a member of ${finding.powers.join(', ')}`
      : `a user with the ${finding.powers.join(' and ')} privilege${finding.powers.length > 1 ? 's' : ''}`;
  const fix =
    connection.kind === 'postgres'
      ? `CREATE ROLE seed_reader LOGIN PASSWORD '…'; GRANT pg_read_all_data TO seed_reader; (PostgreSQL 14+; before that GRANT SELECT ON ALL TABLES IN SCHEMA public TO seed_reader)`
      : `CREATE USER 'seed_reader'@'%' IDENTIFIED BY '…'; GRANT SELECT ON <database>.* TO 'seed_reader'@'%';`;
  return `Connection "${name}" (${connection.target}) logs in as "${finding.role}", ${what}: a READ ONLY transaction does not stop such a role from reaching the database server's files and programs, so read-only rests on verify-seed's query check alone. Fix: connect verify-seed with a role that can only read, e.g. ${fix}`;
}
