/**
 * The one rule for reaching services on the runner, used by wait-ready's HTTP and TCP probes and verify-seed's
 * HTTP connections: `localhost` is tried as 127.0.0.1 and then ::1, whatever the resolver says. Node ≥ 17
 * resolves `localhost` to whichever address the resolver lists first (or only: many runners and containers
 * list 127.0.0.1 alone), and a server bound to one family refuses the other (jeffbski/wait-on#109,
 * sindresorhus/wait-for-localhost PR #16). Any other host is used as given.
 */

/** The addresses to try for `host`, in order (pure). `[::1]` is unbracketed. */
export function candidateAddresses(host: string): string[] {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare.toLowerCase() === 'localhost' ? ['127.0.0.1', '::1'] : [bare];
}

/** `url` with its host replaced by `address` (IPv6 bracketed), port and path kept (pure). */
export function atAddress(url: URL, address: string): URL {
  const copy = new URL(url);
  copy.hostname = address.includes(':') ? `[${address}]` : address;
  return copy;
}

/** Every address of a host failed; `failures` says why, per address, in order. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  constructor(readonly failures: ReadonlyArray<{ address: string; reason: string }>) {
    super(failures.map((f) => `${f.address}: ${f.reason}`).join('; '));
  }
}

/**
 * Tries `attempt` at each candidate address of `host` in order; the first that does not throw wins.
 * @param reasonOf the short reason for a failed address (e.g. the error code `ECONNREFUSED`)
 * @throws UnreachableError naming every address and its reason
 */
export async function firstReachable<T>(
  host: string,
  attempt: (address: string) => Promise<T>,
  reasonOf: (error: unknown) => string,
): Promise<T> {
  const failures: Array<{ address: string; reason: string }> = [];
  for (const address of candidateAddresses(host)) {
    try {
      return await attempt(address);
    } catch (error) {
      failures.push({ address, reason: reasonOf(error) });
    }
  }
  throw new UnreachableError(failures);
}

/** The short reason of a socket error: its code (`ECONNREFUSED`), else its message. */
export function socketReason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
