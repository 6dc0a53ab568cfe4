/**
 * actions/provision-compose/src/up-gate.ts: `up` beside the PR re-check "before up". The order of what
 * happens is recorded step by step; the verdict and `up` are promises the test settles itself.
 */
import { describe, expect, it } from 'vitest';
import { type UpOutcome, upBesideRecheck } from '../../../actions/provision-compose/src/up-gate.js';
import type { GuardVerdict } from '../../../actions/shared/src/github/pull-request.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A gate whose verdict and `up` the test settles; `order` records each step as it happens. */
function harness() {
  const order: string[] = [];
  const verdict = deferred<GuardVerdict>();
  const upDone = deferred<void>();
  const upStarted = deferred<void>();
  const refused: Array<{ verdict: GuardVerdict; up: UpOutcome }> = [];
  const gate = {
    verdict: verdict.promise,
    up: () => {
      order.push('up started');
      upStarted.resolve();
      return upDone.promise.then(() => {
        order.push('up returned');
      });
    },
    proceed: () => {
      order.push('proceed');
    },
    refuse: async (v: GuardVerdict, up: UpOutcome) => {
      order.push(`refuse ${v.verdict}`);
      refused.push({ verdict: v, up });
      return 'ended' as const;
    },
  };
  return {
    order,
    verdict,
    upDone,
    refused,
    gate,
    started: () => upStarted.promise,
  };
}

/** Lets every settled promise's reactions run (a macrotask turn). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const OPEN: GuardVerdict = { verdict: 'open' };
const CLOSED: GuardVerdict = { verdict: 'closed', merged: false };
const SUPERSEDED: GuardVerdict = { verdict: 'superseded', headSha: 'b'.repeat(40) };

describe('upBesideRecheck', () => {
  it('starts up before the verdict is in; "open" lets the deploy go on at once, while up still runs', async () => {
    const h = harness();
    const result = upBesideRecheck(h.gate);
    await h.started();
    expect(h.order).toEqual(['up started']);
    h.verdict.resolve(OPEN);
    await h.verdict.promise;
    await turn();
    expect(h.order).toEqual(['up started', 'proceed']);
    h.upDone.resolve();
    await expect(result).resolves.toEqual({ refused: false });
    expect(h.order).toEqual(['up started', 'proceed', 'up returned']);
    expect(h.refused).toEqual([]);
  });

  it('an "unknown" verdict (no token, GitHub did not answer) goes on like "open"', async () => {
    const h = harness();
    h.verdict.resolve({ verdict: 'unknown', reason: 'no GitHub token' });
    h.upDone.resolve();
    await expect(upBesideRecheck(h.gate)).resolves.toEqual({ refused: false });
    expect(h.order).toEqual(['proceed', 'up started', 'up returned']);
  });

  it('a "closed" that comes while up runs is acted on only after up returned, never beside it', async () => {
    const h = harness();
    const result = upBesideRecheck(h.gate);
    await h.started();
    h.verdict.resolve(CLOSED);
    await h.verdict.promise;
    await turn();
    expect(h.order).toEqual(['up started']); // no refusal (teardown) while up runs, no deployment
    h.upDone.resolve();
    await expect(result).resolves.toEqual({ refused: true, result: 'ended' });
    expect(h.order).toEqual(['up started', 'up returned', 'refuse closed']);
    expect(h.refused).toEqual([{ verdict: CLOSED, up: { started: true } }]);
  });

  it('a late "superseded" is acted on after up too, and up failing meanwhile is handed to refuse', async () => {
    const h = harness();
    const result = upBesideRecheck(h.gate);
    await h.started();
    h.verdict.resolve(SUPERSEDED);
    const failure = new Error('docker compose up exited 1');
    h.upDone.reject(failure);
    await expect(result).resolves.toEqual({ refused: true, result: 'ended' });
    expect(h.order).toEqual(['up started', 'refuse superseded']);
    expect(h.refused).toEqual([{ verdict: SUPERSEDED, up: { started: true, error: failure } }]);
  });

  it('a refusal already in before up would start ends the deploy with nothing started', async () => {
    const h = harness();
    h.verdict.resolve(CLOSED);
    await h.verdict.promise;
    await expect(upBesideRecheck(h.gate)).resolves.toEqual({ refused: true, result: 'ended' });
    expect(h.order).toEqual(['refuse closed']);
    expect(h.refused).toEqual([{ verdict: CLOSED, up: { started: false } }]);
  });

  it('up failing with an "open" verdict fails the deploy with up’s error, after the verdict is in', async () => {
    const h = harness();
    const result = upBesideRecheck(h.gate);
    await h.started();
    const failure = new Error('docker compose up exited 1');
    h.upDone.reject(failure);
    await turn();
    h.verdict.resolve(OPEN);
    await expect(result).rejects.toBe(failure);
    expect(h.order).toEqual(['up started', 'proceed']);
  });

  it('a re-check that throws before up would start fails the step with nothing started', async () => {
    const h = harness();
    const broken = new Error('Octokit chunk missing');
    h.verdict.reject(broken);
    await h.verdict.promise.catch(() => undefined);
    await expect(upBesideRecheck(h.gate)).rejects.toBe(broken);
    expect(h.order).toEqual([]);
  });

  it('a re-check that throws while up runs fails the step once up returned', async () => {
    const h = harness();
    const result = upBesideRecheck(h.gate);
    await h.started();
    const broken = new Error('Octokit chunk missing');
    h.verdict.reject(broken);
    await turn();
    expect(h.order).toEqual(['up started']);
    h.upDone.resolve();
    await expect(result).rejects.toBe(broken);
    expect(h.order).toEqual(['up started', 'up returned']);
  });
});
