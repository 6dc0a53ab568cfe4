import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABELS, MANAGED_BY } from '../../../../actions/shared/src/environment/labels.js';
import type { ApiFailure } from '../../../../actions/shared/src/github/errors.js';
import type { PullAnswer, PullFacts } from '../../../../actions/shared/src/github/pull-request.js';
import {
  blastRadiusExceeded,
  confirmVerdict,
  type DiscoveredEnvironment,
  deletes,
  groupEnvironments,
  parseLabels,
  preliminaryVerdict,
  type SweepDecision,
} from '../../../../actions/shared/src/github/sweep-decide.js';

const REPO = 'acme_webapp';
const NOW = 1_800_000_000;
const SHA = 'a'.repeat(40);

function env(
  labels: Record<string, string>,
  kind: 'compose' | 'namespace' = 'compose',
): DiscoveredEnvironment {
  return { kind, environment: labels[LABELS.environment] ?? '', labels, resources: ['x'] };
}

function labels(pr: number | null, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: `webapp-pr-${pr ?? 'main'}-abc123`,
    [LABELS.repository]: REPO,
    ...(pr === null ? {} : { [LABELS.pr]: String(pr) }),
    [LABELS.headSha]: SHA,
    [LABELS.lastDeployedAt]: String(NOW - 100),
    [LABELS.expiresAt]: String(NOW + 3600),
    ...extra,
  };
}

function pull(number: number, fields: Partial<PullFacts> = {}): PullFacts {
  return { number, state: 'open', headSha: SHA, merged: false, closedAt: null, fork: false, ...fields };
}

const failure = (kind: ApiFailure['kind'], status: number | null): PullAnswer => ({
  ok: false,
  failure: { kind, status, message: `GET /pulls → ${status}`, acceptedPermissions: '' },
});
const OPTIONS = { deleteNotFound: false, closedGraceS: 0, nowS: NOW };

describe('sweep decisions', () => {
  it('keeps an open PR, marks a moved head stale, and asks GitHub about a PR not in the open list', () => {
    const open = new Map([
      [1, pull(1)],
      [2, pull(2, { headSha: 'b'.repeat(40) })],
    ]);
    expect(preliminaryVerdict(env(labels(1)), REPO, open, NOW)).toMatchObject({
      decision: 'keep',
      prState: 'open',
    });
    expect(preliminaryVerdict(env(labels(2)), REPO, open, NOW)).toMatchObject({
      decision: 'stale',
      prHeadSha: 'b'.repeat(40),
    });
    expect(preliminaryVerdict(env(labels(3)), REPO, open, NOW)).toBe('candidate');
    expect(preliminaryVerdict(env(labels(null)), REPO, open, NOW)).toMatchObject({
      decision: 'keep',
      reason: /TTL/,
    });
  });

  it('deletes an expired environment even with its PR open; never a foreign or unparseable one', () => {
    const open = new Map([[1, pull(1)]]);
    const expired = labels(1, { [LABELS.expiresAt]: String(NOW - 1) });
    expect(preliminaryVerdict(env(expired), REPO, open, NOW)).toMatchObject({
      decision: 'expired',
      prState: 'open',
    });
    expect(
      preliminaryVerdict(env(labels(1, { [LABELS.repository]: 'other_repo' })), REPO, open, NOW),
    ).toMatchObject({ decision: 'foreign' });
    for (const bad of [
      { [LABELS.expiresAt]: 'tomorrow' },
      { [LABELS.pr]: '-3' },
      { [LABELS.environment]: 'Not A Name' },
      { [LABELS.repository]: '' },
    ] as Array<Record<string, string>>)
      expect(preliminaryVerdict(env(labels(1, bad)), REPO, open, NOW)).toMatchObject({
        decision: 'unparseable',
      });
  });

  it('confirms a candidate: closed → orphan, reopened → keep, 404 → unknown unless delete-not-found, grace', () => {
    const e = env(labels(3));
    expect(
      confirmVerdict(
        e,
        { ok: true, pull: pull(3, { state: 'closed', closedAt: '2020-01-01T00:00:00Z' }) },
        OPTIONS,
      ),
    ).toMatchObject({ decision: 'orphan' });
    expect(
      confirmVerdict(e, { ok: true, pull: pull(3, { state: 'closed', merged: true }) }, OPTIONS),
    ).toMatchObject({ decision: 'orphan', reason: 'pull request merged' });
    expect(confirmVerdict(e, { ok: true, pull: pull(3) }, OPTIONS)).toMatchObject({ decision: 'keep' });
    expect(
      confirmVerdict(e, { ok: true, pull: pull(3, { headSha: 'c'.repeat(40) }) }, OPTIONS),
    ).toMatchObject({ decision: 'stale' });
    expect(confirmVerdict(e, failure('not-found', 404), OPTIONS)).toMatchObject({ decision: 'unknown' });
    expect(confirmVerdict(e, failure('not-found', 404), { ...OPTIONS, deleteNotFound: true })).toMatchObject({
      decision: 'orphan',
    });
    const justClosed = new Date((NOW - 60) * 1000).toISOString();
    expect(
      confirmVerdict(
        e,
        { ok: true, pull: pull(3, { state: 'closed', closedAt: justClosed }) },
        { ...OPTIONS, closedGraceS: 3600 },
      ),
    ).toMatchObject({
      decision: 'keep',
      reason: /closed-grace/,
    });
    for (const [kind, status] of [
      ['server', 503],
      ['forbidden', 403],
      ['rate-limited', 429],
      ['network', null],
    ] as const)
      expect(confirmVerdict(e, failure(kind, status), OPTIONS)).toHaveProperty('abort');
  });

  it('caps the blast radius by count and by share of this repository’s environments', () => {
    const d = (n: number, decision: SweepDecision) => Array.from({ length: n }, () => decision);
    expect(
      blastRadiusExceeded([...d(3, 'orphan'), ...d(7, 'keep')], { maxDeletions: 3, maxPercentage: 100 }),
    ).toBeNull();
    expect(
      blastRadiusExceeded([...d(4, 'orphan'), ...d(6, 'keep')], { maxDeletions: 3, maxPercentage: 100 }),
    ).toMatch(/4 environments.*max-deletions 3/);
    expect(
      blastRadiusExceeded([...d(2, 'expired'), ...d(2, 'keep'), ...d(50, 'foreign')], {
        maxDeletions: 10,
        maxPercentage: 49,
      }),
    ).toMatch(/2 of 4.*50%/);
    expect(blastRadiusExceeded(d(5, 'keep'), { maxDeletions: 0, maxPercentage: 1 })).toBeNull();
  });

  it('groups resources by kind and environment, newest deploy labels winning', () => {
    const older = labels(1, { [LABELS.lastDeployedAt]: '10', [LABELS.headSha]: 'old' });
    const newer = labels(1, { [LABELS.lastDeployedAt]: '20', [LABELS.headSha]: 'new' });
    const stable = { ...older };
    delete stable[LABELS.headSha];
    delete stable[LABELS.lastDeployedAt];
    const groups = groupEnvironments([
      { kind: 'compose', resource: 'container a', labels: older },
      { kind: 'compose', resource: 'volume v', labels: stable },
      { kind: 'compose', resource: 'container b', labels: newer },
      { kind: 'namespace', resource: 'namespace n', labels: newer },
      { kind: 'compose', resource: 'network stray', labels: { [LABELS.managedBy]: MANAGED_BY } },
    ]);
    expect(groups.map((g) => [g.kind, g.environment, g.resources.length, g.labels[LABELS.headSha]])).toEqual([
      ['compose', '', 1, undefined],
      ['compose', 'webapp-pr-1-abc123', 3, 'new'],
      ['namespace', 'webapp-pr-1-abc123', 1, 'new'],
    ]);
    expect(parseLabels(groups[0]!.labels)).toMatchObject({ ok: false });
  });
});

describe('sweep decisions (properties)', () => {
  const arbLabels = fc.record({
    pr: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
    repository: fc.constantFrom(REPO, 'other_repo', ''),
    expiresIn: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
    garbledExpiry: fc.boolean(),
    sha: fc.constantFrom(SHA, 'b'.repeat(40), ''),
  });
  const arbOpen = fc.uniqueArray(
    fc.record({ n: fc.integer({ min: 1, max: 40 }), sha: fc.constantFrom(SHA, 'b'.repeat(40)) }),
    {
      selector: (p) => p.n,
    },
  );
  const arbAnswer = fc.oneof(
    fc
      .record({
        state: fc.constantFrom('open' as const, 'closed' as const),
        sha: fc.constantFrom(SHA, 'c'.repeat(40)),
      })
      .map(
        (p): PullAnswer => ({
          ok: true,
          pull: pull(1, {
            state: p.state,
            headSha: p.sha,
            closedAt: p.state === 'closed' ? '2020-01-01T00:00:00Z' : null,
          }),
        }),
      ),
    fc.constantFrom(
      failure('not-found', 404),
      failure('server', 500),
      failure('forbidden', 403),
      failure('rate-limited', 403),
    ),
  );

  function build(l: {
    pr: number | null;
    repository: string;
    expiresIn: number | null;
    garbledExpiry: boolean;
    sha: string;
  }) {
    const out = labels(l.pr, { [LABELS.repository]: l.repository, [LABELS.headSha]: l.sha });
    if (l.expiresIn === null) delete out[LABELS.expiresAt];
    else out[LABELS.expiresAt] = l.garbledExpiry ? `${NOW + l.expiresIn}s` : String(NOW + l.expiresIn);
    return out;
  }

  function decide(
    l: Record<string, string>,
    open: Map<number, PullFacts>,
    answer: PullAnswer,
    deleteNotFound: boolean,
  ) {
    const e = env(l);
    const first = preliminaryVerdict(e, REPO, open, NOW);
    if (first !== 'candidate') return first;
    return confirmVerdict(e, answer, { ...OPTIONS, deleteNotFound });
  }

  it('never deletes a foreign or unparseable environment, nor an open PR’s unexpired one', () => {
    fc.assert(
      fc.property(arbLabels, arbOpen, arbAnswer, fc.boolean(), (l, openList, answer, deleteNotFound) => {
        const open = new Map(openList.map((p) => [p.n, pull(p.n, { headSha: p.sha })]));
        const v = decide(build(l), open, answer, deleteNotFound);
        if ('abort' in v) return true;
        if (l.repository !== REPO || (l.garbledExpiry && l.expiresIn !== null))
          expect(deletes(v.decision)).toBe(false);
        const expired = l.expiresIn !== null && l.expiresIn < 0;
        if (!expired && l.pr !== null && open.has(l.pr)) expect(deletes(v.decision)).toBe(false);
        if (!expired && answer.ok && answer.pull.state === 'open') expect(deletes(v.decision)).toBe(false);
        return true;
      }),
    );
  });

  it('deletes every valid, expired environment of this repository, whatever its PR', () => {
    fc.assert(
      fc.property(arbLabels, arbOpen, arbAnswer, (l, openList, answer) => {
        fc.pre(l.repository === REPO && !l.garbledExpiry && l.expiresIn !== null && l.expiresIn < 0);
        const open = new Map(openList.map((p) => [p.n, pull(p.n, { headSha: p.sha })]));
        expect(decide(build(l), open, answer, false)).toMatchObject({ decision: 'expired' });
      }),
    );
  });

  it('a sweep within its caps deletes at most max-deletions and at most max-percentage', () => {
    const decision = fc.constantFrom<SweepDecision>(
      'orphan',
      'expired',
      'keep',
      'stale',
      'unknown',
      'foreign',
      'unparseable',
    );
    fc.assert(
      fc.property(
        fc.array(decision, { maxLength: 60 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 100 }),
        (ds, max, pct) => {
          const exceeded = blastRadiusExceeded(ds, { maxDeletions: max, maxPercentage: pct });
          const doomed = ds.filter(deletes).length;
          const ours = ds.filter((d) => d !== 'foreign' && d !== 'unparseable').length;
          if (exceeded === null) {
            expect(doomed).toBeLessThanOrEqual(Math.max(max, 0) || doomed === 0 ? max : 0);
            if (doomed > 0) expect(doomed * 100).toBeLessThanOrEqual(pct * ours);
          } else expect(doomed).toBeGreaterThan(0);
        },
      ),
    );
  });
});
