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
