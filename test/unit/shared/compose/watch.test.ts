/** The project's event stream: the argv, parsing, what it remembers, waking a waiter, falling back when it ends. */
import { describe, expect, it } from 'vitest';
import { ComposeWatch, eventsArgs, parseEvent } from '../../../../actions/shared/src/compose/watch.js';
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { runResult } from '../../helpers.js';

const event = (Action: string, id: string, attributes: Record<string, string> = {}) =>
  JSON.stringify({ Action, Actor: { ID: id, Attributes: attributes }, timeNano: 1 });

describe('the event stream', () => {
  it('follows one project, only the events that change readiness, from a start time', () => {
    const argv = eventsArgs('p', 1_700_000_000_123);
    expect(argv.slice(0, 4)).toEqual(['docker', 'events', '--since', '1700000000.123']);
    expect(argv).toContain('label=com.docker.compose.project=p');
    expect(argv.filter((a) => a.startsWith('event='))).toEqual([
      'event=create',
      'event=start',
      'event=die',
      'event=health_status',
      'event=destroy',
    ]);
  });

  it('parses die with its exit code and health_status with its status', () => {
    expect(parseEvent(event('die', 'c1', { exitCode: '137' }))).toMatchObject({
      action: 'die',
      id: 'c1',
      exitCode: 137,
    });
    expect(parseEvent(event('health_status: healthy', 'c1'))).toMatchObject({
      action: 'health_status',
      detail: 'healthy',
    });
    expect(parseEvent('not json')).toBeNull();
  });

  it('remembers deaths and restarts, wakes waiters at once, and forgets on request', async () => {
    let feed: ((line: string) => void) | undefined;
    let finish: ((r: RunResult) => void) | undefined;
    const runner = (argv: readonly string[], options?: RunOptions) =>
      new Promise<RunResult>((resolve) => {
        feed = options!.onLine!;
        finish = resolve;
        options!.signal!.addEventListener('abort', () =>
          resolve({
            argv: [...argv],
            exitCode: null,
            stdout: '',
            stderr: '',
            durationMs: 1,
            timedOut: false,
            truncated: false,
          }),
        );
      });
    const watch = ComposeWatch.start('p', runner, 0);
    const woken = watch.next(60_000);
    feed!(event('die', 'c1', { exitCode: '3' }));
    await woken; // resolved by the event, not the 60 s timer
    feed!(event('start', 'c1'));
    expect(watch.watchFacts.get('c1')).toEqual({ died: [3], restarted: true });
    expect(watch.seen.has('c1')).toBe(true);
    watch.forget();
    expect(watch.watchFacts.size).toBe(0);
    await watch.stop();
    expect(finish).toBeDefined();
  });

  it('an event that came while nobody waited (the caller was looking) makes the next wait return at once', async () => {
    let feed: ((line: string) => void) | undefined;
    const runner = (argv: readonly string[], options?: RunOptions) =>
      new Promise<RunResult>((resolve) => {
        feed = options!.onLine!;
        options!.signal!.addEventListener('abort', () => resolve(runResult('', 0, '', argv)));
      });
    const watch = ComposeWatch.start('p', runner, 0);
    await watch.next(0); // the first look's wait is over; the caller now looks again (an inspect in flight)
    feed!(event('health_status: healthy', 'c1')); // the change lands during that look
    const early = await Promise.race([
      watch.next(60_000).then(() => 'woken'),
      new Promise((r) => setTimeout(() => r('timer'), 200)),
    ]);
    expect(early).toBe('woken'); // not the 60 s fallback: the look may have missed the change
    // once consumed, the next wait waits for a new event
    const later = await Promise.race([
      watch.next(60_000).then(() => 'woken'),
      new Promise((r) => setTimeout(() => r('timer'), 50)),
    ]);
    expect(later).toBe('timer');
    await watch.stop();
  });

  it('turns not live when the stream ends on its own, so callers poll', async () => {
    const runner = async (argv: readonly string[]): Promise<RunResult> => ({
      argv: [...argv],
      exitCode: 1,
      stdout: '',
      stderr: 'permission denied',
      durationMs: 1,
      timedOut: false,
      truncated: false,
    });
    const watch = ComposeWatch.start('p', runner, 0);
    await watch.next(5);
    await new Promise((r) => setTimeout(r, 5));
    expect(watch.live).toBe(false);
    await watch.stop();
  });
});
