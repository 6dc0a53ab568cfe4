/**
 * Builds the connection objects for resolved connections: a driver for a URL, a command-line client run
 * through `ServiceExec` for `exec`. Nothing connects here; each check attempt opens and closes its own.
 */

import { MysqlClientExecConnection } from './exec/mysql-client.js';
import { PsqlExecConnection } from './exec/psql.js';
import { RedisCliExecConnection } from './exec/redis-cli.js';
import type { ServiceExec } from './exec/service-exec.js';
import { FetchHttpConnection } from './http.js';
import { MysqlConnection } from './mysql.js';
import { PostgresConnection } from './postgres.js';
import { RedisUrlConnection } from './redis.js';
import type { ResolvedConnection } from './resolve.js';
import type { Connection } from './types.js';

/** True when some connection runs a client inside a service (so a `ServiceExec` is needed). */
export function needsServiceExec(connections: Iterable<ResolvedConnection>): boolean {
  for (const c of connections) if (c.exec) return true;
  return false;
}

/**
 * The connection object for `spec`.
 * @param exec required when `spec.exec` is set
 * @throws Error when an exec connection has no `ServiceExec` (a programming error: settings require a project)
 */
export function openConnection(spec: ResolvedConnection, exec: ServiceExec | null): Connection {
  const credentials = {
    ...(spec.user !== undefined ? { user: spec.user } : {}),
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    ...(spec.database !== undefined ? { database: spec.database } : {}),
  };
  if (spec.exec) {
    if (!exec) throw new Error(`connection ${spec.name}: exec needs a Compose project`);
    const target = { ...spec.exec };
    switch (spec.kind) {
      case 'postgres':
        return { kind: 'sql', sql: new PsqlExecConnection(exec, target) };
      case 'mysql':
      case 'mariadb':
        return {
          kind: 'sql',
          sql: new MysqlClientExecConnection(exec, { ...target, client: target.client ?? spec.kind }),
        };
      case 'redis':
        return { kind: 'redis', redis: new RedisCliExecConnection(exec, target) };
      case 'http':
        throw new Error(`connection ${spec.name}: http has no exec form`);
    }
  }
  const url = spec.url ?? '';
  switch (spec.kind) {
    case 'postgres':
      return { kind: 'sql', sql: new PostgresConnection({ url, ...credentials }) };
    case 'mysql':
    case 'mariadb':
      return { kind: 'sql', sql: new MysqlConnection({ url, ...credentials }) };
    case 'redis':
      return { kind: 'redis', redis: new RedisUrlConnection({ url, ...credentials }) };
    case 'http':
      return { kind: 'http', http: new FetchHttpConnection(url, spec.headers) };
  }
}
