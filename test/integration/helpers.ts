/** Shared helpers for the integration tests: PR events, and what Docker still holds for an environment. */
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../harness/env.js';
import { pullRequestEvent } from '../harness/events.js';
import type { StepResult } from '../harness/types.js';

export { repoRoot };

/** A 40-hex head SHA unique to `seed`. */
export function sha(seed: string): string {
  let hex = '';
  for (let i = 0; hex.length < 40; i++)
    hex += ((seed.charCodeAt(i % seed.length) * 7919 + i * 31) % 4096).toString(16).padStart(3, '0');
  return hex.slice(0, 40);
}

/** A `pull_request` event for PR `number` (see test/harness/events.ts). */
export function prEvent(number: number, head: string, action = 'synchronize', state = 'open') {
  return pullRequestEvent(number, head, { action, state });
}

function ids(argv: string[]): string[] {
  return execFileSync('docker', argv, { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** Containers, networks and volumes labelled with the Compose project or the environment `name`. */
export function leftovers(name: string): { containers: string[]; networks: string[]; volumes: string[] } {
  const by = (kind: 'container' | 'network' | 'volume', extra: string[]) => {
    const set = new Set<string>();
    for (const label of [`com.docker.compose.project=${name}`, `ephemeral.dev/environment=${name}`]) {
      for (const id of ids([
        kind,
        'ls',
        ...extra,
        '--filter',
        `label=${label}`,
        '--format',
        kind === 'container' ? '{{.Names}}' : '{{.Name}}',
      ]))
        set.add(id);
    }
    return [...set].sort();
  };
  return { containers: by('container', ['--all']), networks: by('network', []), volumes: by('volume', []) };
}

/** True when nothing of environment `name` is left. */
export function nothingLeft(name: string): boolean {
  const left = leftovers(name);
  return left.containers.length + left.networks.length + left.volumes.length === 0;
}

/** Removes everything of `name` the hard way (test clean-up after a failed assertion). */
export function forceRemove(name: string): void {
  try {
    execFileSync('docker', ['compose', '-p', name, 'down', '-v', '--remove-orphans', '-t', '1'], {
      stdio: 'ignore',
    });
  } catch {
    // best effort
  }
  const left = leftovers(name);
  for (const c of left.containers) execFileSync('docker', ['rm', '-f', '-v', c], { stdio: 'ignore' });
  for (const n of left.networks) execFileSync('docker', ['network', 'rm', n], { stdio: 'ignore' });
  for (const v of left.volumes) execFileSync('docker', ['volume', 'rm', v], { stdio: 'ignore' });
}

/** Prints a job's log when an assertion fails, so CI output shows what the actions printed. */
export function dump(log: string): string {
  return `\n--- job log ---\n${log.slice(-6000)}\n---------------`;
}

/** The error annotations of a step, one per line, as the log shows them. */
export function errorText(step: StepResult): string {
  return step.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
}
