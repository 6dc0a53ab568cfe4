/** Kubernetes readiness judged over recorded API objects. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  judgeEndpoints,
  judgeJob,
  judgePods,
  judgeRollout,
  podReady,
} from '../../../../actions/shared/src/kube/readiness.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/kube/${name}.json`, import.meta.url), 'utf8'));
const clone = <T>(value: T): T => structuredClone(value);

describe('judgeRollout: Deployment', () => {
  it('complete: every replica updated, available and ready at the observed generation', () => {
    expect(judgeRollout(fixture('deployment-complete'))).toEqual({
      ready: true,
      detail: 'successfully rolled out (3/3 ready, 3 updated, 3 available)',
    });
  });

  it('progressing: new replicas still coming (recorded mid-rollout)', () => {
    const verdict = judgeRollout(fixture('deployment-progressing'));
    expect(verdict.ready).toBe(false);
    expect(verdict.detail).toBe('2 of 3 new replicas updated (3/3 ready, 2 updated, 3 available)');
  });

  it('old replicas pending termination', () => {
    const d = fixture('deployment-complete');
    d.status.replicas = 4;
    expect(judgeRollout(d).detail).toMatch(/^1 old replica\(s\) pending termination/);
  });

  it('updated but not yet available', () => {
    const d = fixture('deployment-complete');
    d.status.availableReplicas = 1;
    expect(judgeRollout(d)).toMatchObject({
      ready: false,
      detail: expect.stringMatching(/^1 of 3 updated replicas available/),
    });
  });

  it('stalled: ProgressDeadlineExceeded is named, not final (a new rollout may fix it)', () => {
    const verdict = judgeRollout(fixture('deployment-stalled'));
    expect(verdict.ready).toBe(false);
    expect(verdict.final).toBeUndefined();
    expect(verdict.detail).toBe(
      'stalled: ReplicaSet "stuck-78d6696864" has timed out progressing. (0/1 ready, 1 updated, 0 available)',
    );
  });

  it('a generation the controller has not observed yet is never ready, even with old counts complete', () => {
    const d = fixture('deployment-complete');
    d.metadata.generation = d.status.observedGeneration + 1;
    expect(judgeRollout(d)).toMatchObject({
      ready: false,
      detail: expect.stringMatching(/observe generation 4 \(observed 3\)/),
    });
  });

  it('spec.replicas absent means 1', () => {
    const d = fixture('deployment-complete');
    delete d.spec.replicas;
    Object.assign(d.status, { replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 });
    expect(judgeRollout(d).ready).toBe(true);
  });
});

describe('judgeRollout: StatefulSet and DaemonSet', () => {
  it('StatefulSet ready at the current revision', () => {
    expect(judgeRollout(fixture('statefulset-ready'))).toEqual({
      ready: true,
      detail: 'rolled out revision db-6676879c86 (1/1 ready, 1 updated)',
    });
  });

  it('StatefulSet rolling to a new revision', () => {
    const s = fixture('statefulset-ready');
    s.status.updateRevision = 'db-new';
    s.status.updatedReplicas = 0;
    expect(judgeRollout(s)).toMatchObject({
      ready: false,
      detail: expect.stringMatching(/^revision db-new rolling out, 0 of 1 updated/),
    });
  });

  it('StatefulSet with too few ready replicas', () => {
    const s = fixture('statefulset-ready');
    s.spec.replicas = 3;
    expect(judgeRollout(s).detail).toMatch(/^1 of 3 replicas ready/);
  });

  it('StatefulSet OnDelete: ready replicas are enough', () => {
    const s = fixture('statefulset-ready');
    s.spec.updateStrategy = { type: 'OnDelete' };
    s.status.updateRevision = 'db-new';
    expect(judgeRollout(s).ready).toBe(true);
  });

  it('DaemonSet', () => {
    const ds = {
      kind: 'DaemonSet',
      metadata: { generation: 2 },
      status: {
        observedGeneration: 2,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    };
    expect(judgeRollout(ds)).toMatchObject({
      ready: false,
      detail: '2 of 3 updated pods available (2/3 available, 3 updated)',
    });
    ds.status.numberAvailable = 3;
    expect(judgeRollout(ds).ready).toBe(true);
  });
});

describe('judgePods', () => {
  it('counts Ready pods against min', () => {
    expect(judgePods(fixture('pods-api'), 3)).toEqual({
      ready: true,
      detail: '3 of 3 pod(s) ready (need 3)',
    });
    expect(judgePods(fixture('pods-api'), 4)).toMatchObject({
      ready: false,
      detail: '3 of 3 pod(s) ready, need 4',
    });
  });

  it('names pods that are not ready, with why (Unschedulable)', () => {
    const verdict = judgePods(fixture('pods-pending'), 1);
    expect(verdict.ready).toBe(false);
    expect(verdict.detail).toMatch(
      /^0 of 1 pod\(s\) ready, need 1: stuck-78d6696864-\w+ Pending \(Unschedulable\)$/,
    );
  });

  it('no pods is never ready, and a terminating pod does not count', () => {
    expect(judgePods({ items: [] }, 1)).toMatchObject({
      ready: false,
      detail: '0 of 0 pod(s) ready, need 1',
    });
    const list = fixture('pods-api');
    list.items[0].metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(podReady(list.items[0])).toBe(false);
    expect(judgePods(list, 3).detail).toMatch(/^2 of 3 pod\(s\) ready, need 3: .* Terminating/);
  });
});

describe('judgeEndpoints', () => {
  it('ready endpoints of the Service (recorded EndpointSlice)', () => {
    expect(judgeEndpoints(fixture('endpointslices-api'), 'api', 3)).toEqual({
      ready: true,
      detail: '3 of 3 endpoint(s) ready (need 3): 10.0.0.1, 10.0.0.6, 10.0.0.4',
    });
  });

  it('not-ready and terminating endpoints do not count; ready null counts (unknown = ready)', () => {
    const list = fixture('endpointslices-api');
    list.items[0].endpoints[0].conditions.ready = false;
    list.items[0].endpoints[1].conditions.terminating = true;
    list.items[0].endpoints[2].conditions = {};
    expect(judgeEndpoints(list, 'api', 2)).toMatchObject({
      ready: false,
      detail: '1 of 3 endpoint(s) ready (need 2): 10.0.0.4',
    });
  });

  it('no slice, or a slice with endpoints: null', () => {
    expect(judgeEndpoints({ items: [] }, 'api', 1).detail).toMatch(/no EndpointSlice for Service "api"/);
    expect(judgeEndpoints({ items: [{ endpoints: null }] }, 'api', 1)).toMatchObject({
      ready: false,
      detail: '0 of 0 endpoint(s) ready (need 1)',
    });
  });
});

describe('judgeJob', () => {
  it('complete', () => {
    expect(judgeJob(fixture('job-complete'))).toEqual({
      ready: true,
      detail: 'complete (1 succeeded, 0 active, 0 failed of 1 completion(s))',
    });
  });

  it('failed is final and names reason and message', () => {
    expect(judgeJob(fixture('job-failed'))).toEqual({
      ready: false,
      final: true,
      detail:
        'failed: DeadlineExceeded — Job was active longer than specified deadline (0 succeeded, 0 active, 1 failed of 1 completion(s))',
    });
  });

  it('running', () => {
    const j = clone(fixture('job-complete'));
    j.status = { active: 1 };
    expect(judgeJob(j)).toEqual({
      ready: false,
      detail: 'running (0 succeeded, 1 active, 0 failed of 1 completion(s))',
    });
  });
});
