/** Service status from `compose ps` and the readiness verdicts. */
import { describe, expect, it } from 'vitest';
import { overall, type PsEntry, parsePs, summarise } from '../../../../actions/shared/src/compose/status.js';

const entry = (
  Service: string,
  State: string,
  Health = '',
  ExitCode = 0,
  Publishers: NonNullable<PsEntry['Publishers']> = [],
): PsEntry => ({
  Name: `p-${Service}-1`,
  Service,
  State,
  Health,
  ExitCode,
  Publishers,
});

describe('compose ps parsing and verdicts', () => {
  it('parses both the array (< 2.21) and the line-per-object (≥ 2.21) formats', () => {
    const a = entry('db', 'running', 'healthy');
    expect(parsePs(JSON.stringify([a]))).toEqual([a]);
    expect(parsePs(`${JSON.stringify(a)}\n${JSON.stringify(a)}\n`)).toHaveLength(2);
    expect(parsePs('')).toEqual([]);
  });

  it('counts a one-shot that exited 0 as done (docker/compose#10596) and non-zero exits as failed', () => {
    const map = summarise(
      [entry('db', 'running', 'healthy'), entry('migrate', 'exited', '', 0), entry('api', 'running')],
      ['db', 'migrate', 'api'],
    );
    expect(map.migrate!.verdict).toBe('done');
    expect(overall(map)).toBe('ready');
    const failed = summarise([entry('migrate', 'exited', '', 3)], ['migrate']);
    expect(failed.migrate).toMatchObject({ verdict: 'failed', exitCode: 3 });
    expect(overall(failed)).toBe('failed');
  });

  it.each([
    ['running', 'starting', 'pending'],
    ['running', 'unhealthy', 'failed'],
    ['restarting', '', 'pending'],
    ['created', '', 'pending'],
    ['dead', '', 'failed'],
  ])('%s/%s → %s', (state, health, verdict) => {
    expect(summarise([entry('s', state, health, 1)], ['s']).s!.verdict).toBe(verdict);
  });

  it('marks an expected service without a container as missing and pending', () => {
    const map = summarise([entry('db', 'running')], ['db', 'api']);
    expect(map.api).toMatchObject({ state: 'missing', verdict: 'pending' });
    expect(overall(map)).toBe('pending');
    expect(overall(map, ['db'])).toBe('ready');
  });

  it('maps published ports to 127.0.0.1 for all-interface bindings, preferring the IPv4 entry', () => {
    const map = summarise(
      [
        entry('api', 'running', '', 0, [
          { URL: '::', TargetPort: 8080, PublishedPort: 49153, Protocol: 'tcp' },
          { URL: '0.0.0.0', TargetPort: 8080, PublishedPort: 49153, Protocol: 'tcp' },
          { URL: '127.0.0.1', TargetPort: 9090, PublishedPort: 49160, Protocol: 'tcp' },
          { URL: '', TargetPort: 7000, PublishedPort: 0, Protocol: 'tcp' },
        ]),
      ],
      ['api'],
    );
    expect(map.api!.ports).toEqual({ '8080/tcp': '127.0.0.1:49153', '9090/tcp': '127.0.0.1:49160' });
  });
});
