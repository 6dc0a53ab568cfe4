/** The exec funnel: argv arrays reach the process unchanged (no shell). */
import { describe, expect, it } from 'vitest';
import { run } from '../../../../actions/shared/src/exec/cli.js';

const INJECTION = ['; rm -rf /', '$(id)', '`whoami`', 'a && b', "'quoted'", '--help', '|cat', '\n'];

describe('the exec funnel', () => {
  it('passes shell metacharacters to a real process unchanged (no shell)', async () => {
    const result = await run([
      process.execPath,
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      ...INJECTION,
    ]);
    expect(JSON.parse(result.stdout)).toEqual(INJECTION);
  });
});

describe('the exec funnel with a wrapper that leaves a child behind', () => {
  // A shell that forks (the `; true` stops bash from exec-ing sleep), as a `docker` shim does: SIGTERM
  // ends the shell, its orphaned child keeps stdout open, and Node's `close` never comes on its own.
  const SHIM = ['bash', '-c', 'echo started; sleep 30; true'];

  it('returns once the shell is stopped, even though its orphan holds the pipes', async () => {
    const controller = new AbortController();
    const result = run(SHIM, {
      signal: controller.signal,
      onLine: (line) => {
        if (line === 'started') controller.abort();
      },
    });
    const outcome = await result;
    expect(outcome.aborted).toBe(true);
    expect(outcome.exitCode).toBeNull();
    expect(outcome.stdout).toBe('started\n');
  }, 15_000);

  it('returns after a timeout the same way', async () => {
    const outcome = await run(SHIM, { timeoutMs: 300 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.stdout).toBe('started\n');
  }, 15_000);

  it('still returns the whole output of a process that exits normally', async () => {
    const outcome = await run([process.execPath, '-e', 'process.stdout.write("x".repeat(1 << 20))']);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout.length).toBe(1 << 20);
  });
});
