/**
 * One attempt of one check: read through its connection, compare, and turn any error into a message that
 * names the check's connection and, for SQL, the query and the server's message. Errors never escape: a
 * bad check is a failed check, and every other check still runs.
 */

import { type Connection, ConnectionError, RedisCommandError, SqlError } from '../connections/types.js';
import { describeHttpExpect, evaluateHttp } from '../expect/http.js';
import { describeSqlExpect, evaluateSql } from '../expect/sql.js';
import type { AssertionReport } from '../report.js';
import type { Check } from '../spec/types.js';
import {
  describeDeclared,
  evaluateFixtureVersion,
  evaluateIsolation,
  fixtureVersionProblem,
  markerOf,
  type RunFacts,
} from './provenance.js';
import { describeRedisExpect, evaluateRedis } from './redis.js';
import { readSource, SourceError } from './source.js';

/** An attempt's outcome: the compared expectations, or an error (then `assertions` may be partial). */
export interface Evaluation {
  assertions: AssertionReport[];
  /** Why the check failed when it could not compare (connection, SQL error, non-JSON body…). */
  error?: string;
  /** A better sentence than the first failing assertion, when the kind has one (fixture-version). */
  problem?: string;
}

/** A check bound to its connection. */
export interface RunnableCheck {
  check: Check;
  /** Where it reads, passwords removed. */
  target: string;
  /** Its expectations in words (shown when it fails before comparing). */
  expected: string;
  attempt(signal: AbortSignal, timeoutMs: number): Promise<Evaluation>;
}

/** The passed/failed verdict of an evaluation. */
export function evaluationPassed(e: Evaluation): boolean {
  return e.error === undefined && e.assertions.length > 0 && e.assertions.every((a) => a.passed);
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The message for an error of `check`'s attempt. */
export function describeError(check: Check, target: string, error: unknown): string {
  const query =
    check.kind === 'sql'
      ? check.query
      : (check.kind === 'fixture-version' || check.kind === 'isolation') && check.source.via === 'sql'
        ? check.source.query
        : null;
  if (error instanceof SqlError)
    return `SQL error from ${target}: ${oneLine(error.message, 600)} — query: ${oneLine(query ?? '', 400)}`;
  if (error instanceof ConnectionError)
    return `cannot reach connection "${check.connection}": ${oneLine(error.message, 600)}`;
  if (error instanceof RedisCommandError) return `Redis error from ${target}: ${oneLine(error.message, 600)}`;
  if (error instanceof SourceError) return oneLine(error.message, 600);
  return oneLine(error instanceof Error ? error.message : String(error), 600);
}

function expectedOf(check: Check, facts: RunFacts): string {
  switch (check.kind) {
    case 'sql':
      return describeSqlExpect(check.expect);
    case 'redis':
      return describeRedisExpect(check);
    case 'http':
      return describeHttpExpect(check.expect);
    case 'fixture-version':
      return `fixture-version: ${describeDeclared(check.declared)}`;
    case 'isolation': {
      const marker = markerOf(check, facts);
      return [
        marker ? `owner: names ${marker.label}` : '',
        check.foreign ? `foreign markers: none matching /${check.foreign.source}/` : '',
      ]
        .filter(Boolean)
        .join('; ');
    }
  }
}

/**
 * Binds `check` to `connection`.
 * @param facts the environment name and commit, for isolation markers
 */
export function bindCheck(check: Check, connection: Connection, facts: RunFacts): RunnableCheck {
  const target =
    connection.kind === 'sql'
      ? connection.sql.target
      : connection.kind === 'redis'
        ? connection.redis.target
        : connection.http.target;
  const measure = async (signal: AbortSignal, timeoutMs: number): Promise<Evaluation> => {
    switch (check.kind) {
      case 'sql': {
        if (connection.kind !== 'sql') break;
        const result = await connection.sql.query(check.query, check.params, {
          readOnly: check.readOnly,
          signal,
          timeoutMs,
        });
        return { assertions: evaluateSql(result, check.expect) };
      }
      case 'redis': {
        if (connection.kind !== 'redis') break;
        const session = await connection.redis.open(signal, timeoutMs);
        try {
          return { assertions: await evaluateRedis(session, check) };
        } finally {
          await session.close();
        }
      }
      case 'http': {
        if (connection.kind !== 'http') break;
        const response = await connection.http.request(check.request, signal);
        const assertions = evaluateHttp(response, check.expect);
        const body = assertions.find((a) => a.what === 'body' && !a.passed);
        return body
          ? { assertions, error: `${check.request.method} ${response.url}: ${body.actual}` }
          : { assertions };
      }
      case 'fixture-version': {
        const value = await readSource(check.source, connection, signal, timeoutMs);
        const assertions = evaluateFixtureVersion(value, check.declared);
        return assertions.every((a) => a.passed)
          ? { assertions }
          : { assertions, problem: fixtureVersionProblem(value, check.declared) };
      }
      case 'isolation': {
        const value = await readSource(check.source, connection, signal, timeoutMs);
        return { assertions: evaluateIsolation(value, check, facts) };
      }
    }
    throw new Error(`a ${check.kind} check cannot use a ${connection.kind} connection`);
  };
  return {
    check,
    target,
    expected: expectedOf(check, facts),
    async attempt(signal, timeoutMs) {
      try {
        return await measure(signal, timeoutMs);
      } catch (error) {
        return { assertions: [], error: describeError(check, target, error) };
      }
    },
  };
}
