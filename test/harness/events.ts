/**
 * Event payloads for `runJob`, in the shape GitHub sends them (trimmed to the fields the actions read:
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request).
 */

/** Options for `pullRequestEvent`. */
export interface PullRequestEventOptions {
  /** `opened`, `synchronize`, `closed`, … Default `synchronize`. */
  action?: string;
  /** `open` or `closed`. Default `open`. */
  state?: string;
  /** The head branch. Default `feature-<number>`. */
  headRef?: string;
}

/** A `pull_request` event for PR `number` whose head is commit `headSha`. */
export function pullRequestEvent(number: number, headSha: string, options: PullRequestEventOptions = {}) {
  return {
    name: 'pull_request',
    payload: {
      action: options.action ?? 'synchronize',
      number,
      pull_request: {
        number,
        state: options.state ?? 'open',
        head: { sha: headSha, ref: options.headRef ?? `feature-${number}` },
        base: { ref: 'main' },
      },
    },
  };
}
