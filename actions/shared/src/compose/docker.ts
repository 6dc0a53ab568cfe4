/**
 * Docker resources (containers, networks, volumes) found and removed by label, through the exec funnel.
 * Used by teardown and post to catch what `compose down` misses (crashed runs, renamed services).
 * CLI reference: https://docs.docker.com/reference/cli/docker/.
 */
import { mustSucceed, type Runner, run } from '../exec/cli.js';

export type ResourceKind = 'container' | 'network' | 'volume';

/** One resource and its labels. */
export interface DockerResource {
  kind: ResourceKind;
  /** Container ID, network ID or volume name: what `rm` takes. */
  id: string;
  /** Human name (container name without `/`, network name, volume name). */
  name: string;
  labels: Record<string, string>;
}

const LIST: Record<ResourceKind, string[]> = {
  container: ['container', 'ls', '--all', '--quiet', '--no-trunc'],
  network: ['network', 'ls', '--quiet', '--no-trunc'],
  volume: ['volume', 'ls', '--quiet'],
};

/** `docker <kind> ls` argv selecting by every `key=value` in `labels` (AND). */
export function listArgs(kind: ResourceKind, labels: string[]): string[] {
  return ['docker', ...LIST[kind], ...labels.flatMap((label) => ['--filter', `label=${label}`])];
}

/** `docker <kind> rm` argv (containers forced, with anonymous volumes). */
export function removeArgs(kind: ResourceKind, ids: string[]): string[] {
  if (kind === 'container') return ['docker', 'container', 'rm', '--force', '--volumes', ...ids];
  return ['docker', kind, 'rm', ...ids];
}

interface Inspected {
  Id?: string;
  Name?: string;
  Config?: { Labels?: Record<string, string> | null };
  Labels?: Record<string, string> | null;
}

/** Docker access bound to a runner (the funnel by default). */
export class Docker {
  constructor(private readonly runner: Runner = run) {}

  /**
   * Lists resources of `kind` carrying every label in `labels` (`key=value` or `key`), with their labels.
   * @throws ToolError when docker fails
   */
  async list(kind: ResourceKind, labels: string[]): Promise<DockerResource[]> {
    const ids = mustSucceed(await this.runner(listArgs(kind, labels), { timeoutMs: 60_000 }))
      .stdout.split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const items = await this.inspect<Inspected>(kind, ids);
    return items.map((item, index) => {
      const id = kind === 'volume' ? (item.Name ?? ids[index]!) : (item.Id ?? ids[index]!);
      return {
        kind,
        id,
        name: (item.Name ?? id).replace(/^\//, ''),
        labels: (kind === 'container' ? item.Config?.Labels : item.Labels) ?? {},
      };
    });
  }

  /**
   * `docker <kind> inspect <ids…>` parsed; [] for no ids.
   * @throws ToolError when docker fails; SyntaxError when it prints no JSON
   */
  async inspect<T>(kind: ResourceKind, ids: readonly string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const result = mustSucceed(await this.runner(['docker', kind, 'inspect', ...ids], { timeoutMs: 60_000 }));
    return JSON.parse(result.stdout || '[]') as T[];
  }

  /**
   * Removes resources; a resource already gone counts as removed. Returns the names that could not be
   * removed, with the reason.
   */
  async remove(resources: DockerResource[]): Promise<Array<{ resource: DockerResource; error: string }>> {
    const failures: Array<{ resource: DockerResource; error: string }> = [];
    for (const resource of resources) {
      const result = await this.runner(removeArgs(resource.kind, [resource.id]), { timeoutMs: 120_000 });
      if (result.exitCode !== 0 && !/no such|not found/i.test(result.stderr)) {
        failures.push({ resource, error: result.stderr.trim().slice(-500) });
      }
    }
    return failures;
  }
}
