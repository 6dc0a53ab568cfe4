/** Service verdicts from the containers the engine reports (docker inspect), and the readiness rules. */
import { describe, expect, it } from 'vitest';
import { type ContainerState, fromInspect } from '../../../../actions/shared/src/compose/containers.js';
import {
  describe as describeServices,
  failures,
  overall,
  summarise,
} from '../../../../actions/shared/src/compose/status.js';

const container = (service: string, state: string, extra: Partial<ContainerState> = {}): ContainerState => ({
  id: `id-${service}-${state}`,
  name: `p-${service}-1`,
  service,
  oneShot: false,
  state,
  health: '',
  exitCode: state === 'exited' ? 0 : null,
  restartCount: 0,
  healthOutput: '',
  healthExitCode: null,
  ports: {},
  addresses: [],
  ...extra,
});

describe('service verdicts from the containers the engine reports', () => {
  it('a one-shot is pending while it runs, done once it exited 0, failed on any other exit', () => {
    const running = summarise([container('migrate', 'running', { oneShot: true })], ['migrate']);
    expect(running.migrate).toMatchObject({ verdict: 'pending', oneShot: true });
    expect(overall(running)).toBe('pending');
    const done = summarise([container('migrate', 'exited', { oneShot: true, exitCode: 0 })], ['migrate']);
    expect(done.migrate!.verdict).toBe('done');
    const failed = summarise([container('migrate', 'exited', { oneShot: true, exitCode: 2 })], ['migrate']);
    expect(failed.migrate).toMatchObject({ verdict: 'failed', exitCode: 2, reason: 'exit 2' });
    expect(failures(failed)).toEqual(['migrate (exited, exit 2: exit 2)']);
  });

  it('a service that exited 0 is done (an undeclared one-shot); non-zero is failed', () => {
    expect(summarise([container('s', 'exited', { exitCode: 0 })], ['s']).s!.verdict).toBe('done');
    expect(summarise([container('s', 'exited', { exitCode: 1 })], ['s']).s!.verdict).toBe('failed');
  });

  it.each([
    ['running', '', 'ready'],
    ['running', 'healthy', 'ready'],
    ['running', 'starting', 'pending'],
    ['running', 'unhealthy', 'failed'],
    ['restarting', '', 'failed'],
    ['created', '', 'pending'],
    ['dead', '', 'failed'],
  ])('%s/%s → %s', (state, health, verdict) => {
    expect(summarise([container('s', state, { health, exitCode: 1 })], ['s']).s!.verdict).toBe(verdict);
  });

  it('a restart by the restart policy, or a death or restart seen by the event stream, has failed', () => {
    expect(summarise([container('w', 'running', { restartCount: 2 })], ['w']).w).toMatchObject({
      verdict: 'failed',
      reason: 'restarted 2 time(s)',
    });
    const c = container('w', 'running');
    expect(summarise([c], ['w'], new Map([[c.id, { died: [137], restarted: false }]])).w).toMatchObject({
      verdict: 'failed',
      reason: 'died (exit 137) during the wait',
    });
    expect(summarise([c], ['w'], new Map([[c.id, { died: [0], restarted: true }]])).w!.verdict).toBe(
      'failed',
    );
  });

  it('marks an expected service without a container as missing and pending, and leaves unselected ones out', () => {
    const map = summarise([container('db', 'running'), container('admin', 'running')], ['db', 'api']);
    expect(Object.keys(map).sort()).toEqual(['api', 'db']);
    expect(map.api).toMatchObject({ state: 'missing', verdict: 'pending' });
    expect(overall(map)).toBe('pending');
    expect(overall(map, ['db'])).toBe('ready');
  });

  it('reads state, health output, restarts, ports and addresses from docker inspect', () => {
    const c = fromInspect({
      Id: 'abc',
      Name: '/p-api-1',
      RestartCount: 1,
      Config: { Labels: { 'com.docker.compose.service': 'api', 'ephemeral.dev/one-shot': 'true' } },
      State: {
        Status: 'restarting',
        ExitCode: 3,
        FinishedAt: '2026-01-01T00:00:00Z',
        Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output: 'curl: (7) refused\n' }] },
      },
      NetworkSettings: {
        Ports: {
          '8080/tcp': [
            { HostIp: '::', HostPort: '49153' },
            { HostIp: '0.0.0.0', HostPort: '49153' },
          ],
          '9090/tcp': [{ HostIp: '127.0.0.1', HostPort: '49160' }],
          '7000/tcp': null,
        },
        Networks: { p_default: { IPAddress: '172.18.0.5', GlobalIPv6Address: '' } },
      },
    });
    expect(c).toMatchObject({
      name: 'p-api-1',
      service: 'api',
      oneShot: true,
      state: 'restarting',
      exitCode: 3,
      restartCount: 1,
      health: 'unhealthy',
      healthOutput: 'curl: (7) refused',
      healthExitCode: 1,
      ports: { '8080/tcp': '127.0.0.1:49153', '9090/tcp': '127.0.0.1:49160' },
      addresses: ['172.18.0.5'],
    });
    const fresh = fromInspect({
      Id: 'x',
      State: { Status: 'running', ExitCode: 0, FinishedAt: '0001-01-01T00:00:00Z' },
    });
    expect(fresh.exitCode).toBeNull();
  });
});

describe('describe', () => {
  it('one line per service, a one-shot marked', () => {
    const map = summarise([container('migrate', 'exited', { oneShot: true, exitCode: 0 })], ['migrate']);
    expect(describeServices(map)).toEqual(['migrate: exited exit 0 [one-shot]']);
  });
});
