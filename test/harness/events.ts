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
  /** `owner/repo` of the base. Default `acme/webapp` (the harness's default repository). */
  repository?: string;
  /** The head is in a fork (`<someone>/<repo>`): GitHub then gives `pull_request` runs a read-only token. */
  fork?: boolean;
}

/** A `pull_request` event for PR `number` whose head is commit `headSha`. */
export function pullRequestEvent(number: number, headSha: string, options: PullRequestEventOptions = {}) {
  const repo = options.repository ?? 'acme/webapp';
  return {
    name: 'pull_request',
    payload: {
      action: options.action ?? 'synchronize',
      number,
      pull_request: {
        number,
        state: options.state ?? 'open',
        head: {
          sha: headSha,
          ref: options.headRef ?? `feature-${number}`,
          repo: { full_name: options.fork ? `contributor/${repo.split('/')[1]}` : repo },
        },
        base: { ref: 'main', repo: { full_name: repo } },
        user: { login: options.fork ? 'contributor' : 'octocat' },
      },
    },
  };
}
