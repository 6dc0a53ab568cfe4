/**
 * Kubernetes probes backed by a watch (probes/kube.ts over kube/watch.ts): news on a live watch is judged at
 * once; no news, a dead watch or a broken stream means a kubectl get; the watch's kubectl dies with the probe.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { Kubectl } from '../../../../actions/shared/src/kube/kubectl.js';
import { realClock } from '../../../../actions/shared/src/runtime/clock.js';
import { pollProbe } from '../../../../actions/wait-ready/src/poll.js';
import {
  judgeWatched,
  kubeProbe,
  watchArgs,
  watchKind,
} from '../../../../actions/wait-ready/src/probes/kube.js';
import type { KubeSpec } from '../../../../actions/wait-ready/src/spec-kube.js';
import { eventLine, fakeKubectl, result } from '../../shared/kube/fake-watch.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/kube/${name}.json`, import.meta.url), 'utf8'));
const complete = fixture('deployment-complete');
const progressing = fixture('deployment-progressing');
const rollout: KubeSpec = {
  kind: 'rollout',
  name: 'api',
  namespace: '',
  workload: 'deployment',
  target: 'api',
  min: 1,
};
const signal = () => new AbortController().signal;

/** A probe on a fake kubectl whose gets answer with `answer` (the deployment as JSON, or a hang). */
function setUp(answer: (argv: string[], options: RunOptions) => Promise<RunResult> | RunResult) {
  const fake = fakeKubectl(answer);
  const probe = kubeProbe(rollout, new Kubectl({}, fake.runner), 'ns', 5000, 60_000);
  const gets = () => fake.calls.filter((argv) => !argv.includes('--watch')).length;
  return { fake, probe, gets };
}
const answers = (doc: unknown) => (argv: string[]) => result(argv, 0, JSON.stringify(doc));

describe('watch argv and judgement (pure)', () => {
  it.each([
    [
      rollout,
      ['get', 'deployments.apps', '--namespace', 'ns', '--field-selector=metadata.name=api'],
      'Deployment',
    ],
    [
      { ...rollout, workload: 'statefulset', target: 'db' } as KubeSpec,
      ['get', 'statefulsets.apps', '--namespace', 'ns', '--field-selector=metadata.name=db'],
      'StatefulSet',
    ],
    [
      { ...rollout, kind: 'job', workload: '', target: 'm' } as KubeSpec,
      ['get', 'jobs.batch', '--namespace', 'ns', '--field-selector=metadata.name=m'],
      'Job',
    ],
    [
      { ...rollout, kind: 'pods', workload: '', target: 'app=api' } as KubeSpec,
      ['get', 'pods', '--namespace', 'ns', '--selector=app=api'],
      'Pod',
    ],
    [
      { ...rollout, kind: 'endpoints', workload: '', target: 'api' } as KubeSpec,
      [
        'get',
        'endpointslices.discovery.k8s.io',
        '--namespace',
        'ns',
        '--selector=kubernetes.io/service-name=api',
      ],
      'EndpointSlice',
    ],
  ])('%j', (spec, args, kind) => {
    expect(watchArgs(spec, 'ns')).toEqual(args);
    expect(watchKind(spec)).toBe(kind);
  });

  it('a named object the watch does not hold is not found yet; an object without status is not ready', () => {
    expect(judgeWatched(rollout, [])).toEqual({ ok: false, detail: 'not found yet [watch]' });
    const bare = { kind: 'Deployment', metadata: { name: 'api', generation: 1 } };
    expect(judgeWatched(rollout, [bare])).toMatchObject({ ok: false });
    expect(judgeWatched(rollout, [complete])).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/\[watch\]$/),
    });
  });
});

describe('kube probe with a watch', () => {
  it('first attempt: starts the watch and polls; then an event is judged without a kubectl get', async () => {
    const { fake, probe, gets } = setUp(answers(progressing));
    const first = await probe.attempt(signal());
    expect(first.ok).toBe(false);
    expect(first.detail).not.toMatch(/\[watch\]/);
    expect(fake.watches).toHaveLength(1);
    expect(gets()).toBe(1);
    const woken = probe.wake!(60_000);
    fake.watches[0]!.print(eventLine('MODIFIED', complete));
    await woken;
    const second = await probe.attempt(signal());
    expect(second).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^successfully rolled out .*\[watch\]$/),
    });
    expect(gets()).toBe(1);
    await probe.close!();
    expect(fake.watches[0]!.aborted).toBe(true);
  });

  it('an event that came during an attempt wakes the next wait at once (no lost wake-up)', async () => {
    const { fake, probe } = setUp(answers(progressing));
    await probe.attempt(signal());
    fake.watches[0]!.print(eventLine('MODIFIED', progressing));
    // the wait would be a minute; it returns at once
    await probe.wake!(60_000);
    expect((await probe.attempt(signal())).detail).toMatch(/\[watch\]$/);
    await probe.close!();
  });

  it('no ready from a stale object: without news since the last judgement, the attempt asks the API server', async () => {
    let doc = progressing;
    const { fake, probe, gets } = setUp((argv) => result(argv, 0, JSON.stringify(doc)));
    await probe.attempt(signal());
    fake.watches[0]!.print(eventLine('MODIFIED', complete));
    expect((await probe.attempt(signal())).ok).toBe(true);
    // the rollout regressed, and the watch said nothing (silent): the watch's ready object is not reused
    doc = progressing;
    const third = await probe.attempt(signal());
    expect(third.ok).toBe(false);
    expect(third.detail).not.toMatch(/\[watch\]/);
    expect(gets()).toBe(2);
    await probe.close!();
  });

  it('a watch that ended never turns into ready: its last object is not used, attempts poll, wake sleeps', async () => {
    const { fake, probe, gets } = setUp(answers(progressing));
    await probe.attempt(signal());
    const proc = fake.watches[0]!;
    proc.print(eventLine('MODIFIED', complete));
    proc.exit(1, 'error: an error on the server ("") has prevented the request from succeeding');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const next = await probe.attempt(signal());
    expect(next.ok).toBe(false);
    expect(next.detail).not.toMatch(/\[watch\]/);
    expect(gets()).toBe(2);
    const began = Date.now();
    await probe.wake!(30);
    expect(Date.now() - began).toBeGreaterThanOrEqual(25);
    await probe.close!();
  });

  it('a partial object on the stream ends the watch: attempts poll from then on', async () => {
    const { fake, probe, gets } = setUp(answers(progressing));
    await probe.attempt(signal());
    const line = eventLine('MODIFIED', complete);
    fake.watches[0]!.print(line.slice(0, 300));
    expect(fake.watches[0]!.aborted).toBe(true);
    const next = await probe.attempt(signal());
    expect(next.ok).toBe(false);
    expect(gets()).toBe(2);
    await probe.close!();
  });

  it('a kubectl get in flight is cut short by the watch speaking first', async () => {
    const gets: Array<{ signal?: AbortSignal }> = [];
    const { fake, probe } = setUp(
      (argv, options) =>
        new Promise<RunResult>((resolve) => {
          gets.push({ signal: options.signal });
          options.signal?.addEventListener('abort', () =>
            resolve({ ...result(argv, null, ''), aborted: true }),
          );
        }),
    );
    const attempt = probe.attempt(signal());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gets).toHaveLength(1);
    fake.watches[0]!.print(eventLine('ADDED', complete));
    expect(await attempt).toMatchObject({ ok: true, detail: expect.stringMatching(/\[watch\]$/) });
    expect(gets[0]!.signal?.aborted).toBe(true);
    await probe.close!();
  });

  it('pollProbe closes the probe when it ends, ready or out of time: no kubectl watch is left running', async () => {
    const timing = {
      deadlineMs: 60,
      attemptTimeoutMs: 50,
      intervalMs: 10,
      maxIntervalMs: 10,
      backoff: 1,
      consecutive: 1,
    };
    const late = setUp(answers(progressing));
    const outcome = await pollProbe(late.probe, timing, realClock.now());
    expect(outcome.ready).toBe(false);
    expect(late.fake.watches.map((w) => w.done)).toEqual([true]);
    const ready = setUp(answers(complete));
    expect((await pollProbe(ready.probe, { ...timing, deadlineMs: 5000 }, realClock.now())).ready).toBe(true);
    expect(ready.fake.watches.map((w) => w.done)).toEqual([true]);
  });
});
