/**
 * Addresses to try for a host. `localhost` is tried as 127.0.0.1 and then ::1: Node ≥ 17 resolves it to
 * whichever the resolver lists first, and a server bound to one family refuses the other
 * (jeffbski/wait-on#109, sindresorhus/wait-for-localhost PR #16).
 */
export function candidateAddresses(host: string): string[] {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare.toLowerCase() === 'localhost' ? ['127.0.0.1', '::1'] : [bare];
}
