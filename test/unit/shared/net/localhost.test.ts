/** The localhost rule: 127.0.0.1, then ::1. */
import { describe, expect, it } from 'vitest';
import { candidateAddresses } from '../../../../actions/shared/src/net/localhost.js';

describe('localhost tries IPv4 and IPv6 (wait-on#109)', () => {
  it('orders 127.0.0.1 before ::1 for localhost only', () => {
    expect(candidateAddresses('localhost')).toEqual(['127.0.0.1', '::1']);
    expect(candidateAddresses('[::1]')).toEqual(['::1']);
    expect(candidateAddresses('db.internal')).toEqual(['db.internal']);
  });
});
