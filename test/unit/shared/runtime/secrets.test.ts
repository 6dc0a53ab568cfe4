/** Secrets: URL passwords removed; registered values redacted. */
import { describe, expect, it } from 'vitest';
import { redactUrlPassword } from '../../../../actions/shared/src/runtime/secrets.js';

describe('secret redaction', () => {
  it('removes URL passwords', () => {
    expect(redactUrlPassword('redis://:pw@h:6379 and postgres://u:p%40ss@h/db')).toBe(
      'redis://:pw@h:6379 and postgres://u:***@h/db',
    );
  });
});
