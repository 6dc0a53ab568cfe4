/** The Kubernetes watch (kube/watch.ts): the stream's lines, the objects it keeps, its end, and its kubectl. */
import { describe, expect, it } from 'vitest';
import { Kubectl } from '../../../../actions/shared/src/kube/kubectl.js';
import { KubeWatch, parseWatchLine, WATCH_FLAGS } from '../../../../actions/shared/src/kube/watch.js';
import { eventLine, fakeKubectl, result } from './fake-watch.js';

const deployment = (name: string, ready: number) => ({
  kind: 'Deployment',
  metadata: { name, generation: 1 },
  status: { observedGeneration: 1, readyReplicas: ready },
});

describe('parseWatchLine', () => {
  it('reads ADDED, MODIFIED and DELETED events of the expected kind', () => {
    for (const type of ['ADDED', 'MODIFIED', 'DELETED']) {
      expect(parseWatchLine(eventLine(type, deployment('api', 1)), 'Deployment')).toEqual({
        event: { type, object: deployment('api', 1) },
      });
    }
  });

  it('says nothing for blank lines and bookmarks', () => {
    expect(parseWatchLine('', 'Deployment')).toBeNull();
    expect(parseWatchLine('  ', 'Deployment')).toBeNull();
    expect(
      parseWatchLine(eventLine('BOOKMARK', { kind: 'Deployment', metadata: {} }), 'Deployment'),
    ).toBeNull();
  });

  it('ends the watch on an ERROR event, with the API server message', () => {
    const line = eventLine('ERROR', {
      kind: 'Status',
      message: 'too old resource version: 1 (2)',
      code: 410,
    });
    expect(parseWatchLine(line, 'Deployment')).toEqual({
      end: 'the API server ended the watch: too old resource version: 1 (2)',
    });
  });

  it('ends the watch on a partial line, an object of another kind, or an object without a name', () => {
    const full = eventLine('MODIFIED', deployment('api', 2));
    expect(parseWatchLine(full.slice(0, full.length / 2), 'Deployment')).toMatchObject({
      end: expect.stringMatching(/^the watch printed a line that is not JSON/),
    });
    expect(
      parseWatchLine(eventLine('MODIFIED', { kind: 'Pod', metadata: { name: 'a' } }), 'Deployment'),
    ).toMatchObject({
      end: expect.stringMatching(/not a complete Deployment/),
    });
    expect(
      parseWatchLine(eventLine('MODIFIED', { kind: 'Deployment', metadata: {} }), 'Deployment'),
    ).toMatchObject({
      end: expect.stringMatching(/not a complete Deployment/),
    });
    expect(parseWatchLine(JSON.stringify({ type: 'MODIFIED' }), 'Deployment')).toMatchObject({
      end: expect.stringMatching(/not a complete Deployment/),
    });
    expect(parseWatchLine('[1, 2]', 'Deployment')).toMatchObject({ end: expect.any(String) });
  });
});

describe('KubeWatch', () => {
  const args = ['get', 'deployments.apps', '--namespace', 'ns', '--field-selector=metadata.name=api'];
  const start = () => {
    const fake = fakeKubectl((argv) => result(argv, 0, '{}'));
    const watch = KubeWatch.start(new Kubectl({ kubeconfig: '/k' }, fake.runner), args, 'Deployment', 60_000);
    return { fake, watch, proc: fake.watches[0]! };
  };

  it('runs one kubectl get --watch --output-watch-events --output json through the funnel, bounded', async () => {
    const { watch, proc } = start();
    expect(proc.argv).toEqual(['kubectl', '--kubeconfig', '/k', ...args, ...WATCH_FLAGS]);
    expect(proc.options.timeoutMs).toBe(60_000);
    expect(proc.options.maxStdoutBytes).toBe(64 * 1024);
    await watch.stop();
    expect(proc.aborted).toBe(true);
  });

  it('keeps the objects by name, counts the events, forgets deleted ones', async () => {
    const { watch, proc } = start();
    expect(watch.version).toBe(0);
    proc.print(eventLine('ADDED', deployment('api', 0)));
    proc.print(eventLine('MODIFIED', deployment('api', 1)));
    expect(watch.version).toBe(2);
    expect(watch.items).toEqual([deployment('api', 1)]);
    proc.print(eventLine('DELETED', deployment('api', 1)));
    expect(watch.version).toBe(3);
    expect(watch.items).toEqual([]);
    await watch.stop();
  });

  it('changed(): at once for an event already there, on the next event, false on timeout', async () => {
    const { watch, proc } = start();
    proc.print(eventLine('ADDED', deployment('api', 0)));
    await expect(watch.changed(0, 60_000)).resolves.toBe(true);
    const waiting = watch.changed(1, 60_000);
    proc.print(eventLine('MODIFIED', deployment('api', 1)));
    await expect(waiting).resolves.toBe(true);
    await expect(watch.changed(2, 5)).resolves.toBe(false);
    const aborted = new AbortController();
    const cut = watch.changed(2, 60_000, aborted.signal);
    aborted.abort();
    await expect(cut).resolves.toBe(false);
    await watch.stop();
  });

  it('a kubectl that exits ends the watch: not live, waiters released, why kept', async () => {
    const { watch, proc } = start();
    const waiting = watch.changed(0, 60_000);
    proc.exit(1, 'error: watch closed');
    await expect(waiting).resolves.toBe(false);
    expect(watch.live).toBe(false);
    expect(watch.why).toMatch(/kubectl exited \(1\): error: watch closed/);
    await watch.stop();
  });

  it('a broken line ends the watch and kills kubectl; later lines are ignored', async () => {
    const { watch, proc } = start();
    proc.print(eventLine('ADDED', deployment('api', 0)));
    proc.print('{"type":"MODIFIED","object":{"kind":"Deploym');
    expect(watch.live).toBe(false);
    expect(watch.why).toMatch(/not JSON/);
    expect(proc.aborted).toBe(true);
    proc.print(eventLine('MODIFIED', deployment('api', 2)));
    expect(watch.version).toBe(1);
    await watch.stop();
  });

  it('an ERROR event ends it too', async () => {
    const { watch, proc } = start();
    proc.print(eventLine('ERROR', { kind: 'Status', message: 'Gone' }));
    expect(watch.live).toBe(false);
    expect(watch.why).toBe('the API server ended the watch: Gone');
    expect(proc.aborted).toBe(true);
    await watch.stop();
  });

  it('stop() is not an end with a reason', async () => {
    const { watch } = start();
    await watch.stop();
    expect(watch.live).toBe(false);
    expect(watch.why).toBe('');
  });
});
