/** State from main to post: saved as JSON, read back by post; none saved is a warning, not an error. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadState, saveState } from '../../../../actions/shared/src/runtime/state.js';

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.STATE_unit;
  delete process.env.GITHUB_STATE;
});

function stdout(run: () => void): string {
  const writes: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  run();
  return writes.join('');
}

describe('state', () => {
  it('post reads what main saved (the runner hands it over as STATE_<key>)', () => {
    const out = stdout(() => saveState('unit', { environment: 'e', keep: false }));
    expect(out).toBe('::save-state name=unit::{"environment":"e","keep":false}\n');
    process.env.STATE_unit = '{"environment":"e","keep":false}';
    expect(loadState<{ environment: string }>('unit', 'provision-compose', 'environment')).toEqual({
      environment: 'e',
      keep: false,
    });
  });

  it('nothing saved: null and a warning naming the action and what main had not named yet', () => {
    let state: unknown = 'unset';
    const out = stdout(() => {
      state = loadState('unit', 'deploy-namespace', 'namespace');
    });
    expect(state).toBeNull();
    expect(out).toBe(
      '::warning::deploy-namespace post: main saved no state (it failed before naming the namespace); nothing to clean up.\n',
    );
  });
});
