/**
 * `up` beside the PR re-check "before up": `up` starts as soon as the project is prepared, without waiting
 * for GitHub's answer (issue 12: the answer took 0.2–0.6 s, all of it on the step's critical path). The
 * answer still decides, it only decides later:
 *
 * - in before `up` starts (GitHub answered during prepare and the fingerprint): a refusal ends the deploy
 *   with nothing started, as before;
 * - "go on" (open, or unknown: warned): `proceed` at once (the Deployment and the "deploying" comment go out
 *   while `up` runs), then `up`'s own outcome counts;
 * - a refusal (closed, superseded) that comes after `up` started: `refuse` runs once `up` has returned or
 *   failed, never beside it, so that the teardown a closed PR asks for sees everything `up` created.
 */
import { type GuardVerdict, isRefusal, type Refusal } from '../../shared/src/github/pull-request.js';

/** How `up` went, for `refuse`. */
export interface UpOutcome {
  /** `up` was started (the verdict came later than the prepare phase). */
  started: boolean;
  /** What `up` threw, when it failed. */
  error?: unknown;
}

/** What `upBesideRecheck` takes. */
export interface UpGate<R> {
  /** The re-check's verdict, asked earlier (pending or already in). */
  verdict: Promise<GuardVerdict>;
  /** Starts `docker compose up` (and what must run first, such as the event stream); resolves once it returned. */
  up: () => Promise<void>;
  /** The verdict lets the deploy go on: called once, as soon as it is known. */
  proceed: () => void;
  /** Ends the deploy on a refusal (after `up` returned or failed, when it was started). */
  refuse: (verdict: Refusal, up: UpOutcome) => Promise<R>;
}

/** A macrotask turn: a verdict that is already in settles before it. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `up` beside the re-check (the module's rules).
 * @returns `{ refused: false }` when the deploy goes on (`up` returned), else `refuse`'s result
 * @throws what `up` threw when the verdict lets the deploy go on; the verdict's rejection (before `up` when
 *   it is already in, else after `up` settled)
 */
export async function upBesideRecheck<R>(
  gate: UpGate<R>,
): Promise<{ refused: false } | { refused: true; result: R }> {
  let known: GuardVerdict | null = null;
  const verdict = gate.verdict.then((v) => {
    known = v;
    if (!isRefusal(v)) gate.proceed();
    return v;
  });
  let failed: { reason: unknown } | null = null;
  const settled = verdict.catch((reason: unknown) => {
    failed = { reason }; // rethrown below: before `up` when it is already in, else once `up` settled
  });
  await Promise.race([settled, nextTurn()]);
  const early = known as GuardVerdict | null;
  const failure = failed as { reason: unknown } | null;
  if (failure) throw failure.reason;
  if (early && isRefusal(early))
    return { refused: true, result: await gate.refuse(early, { started: false }) };
  const ran = gate.up().then(
    (): UpOutcome => ({ started: true }),
    (error: unknown): UpOutcome => ({ started: true, error }),
  );
  const [answer, outcome] = await Promise.allSettled([verdict, ran]);
  const up = (outcome as PromiseFulfilledResult<UpOutcome>).value;
  if (answer.status === 'rejected') throw answer.reason;
  if (isRefusal(answer.value)) return { refused: true, result: await gate.refuse(answer.value, up) };
  if ('error' in up) throw up.error;
  return { refused: false };
}
