/**
 * The engine's event stream for one Compose project: `docker events` filtered to the project's containers
 * and to the events that change readiness (`start`, `die`, `health_status`, `create`, `destroy`), started
 * before `up` or before a wait begins (`--since` its start, so nothing in between is lost). It does two
 * things: it wakes a waiting caller at once when something changed (instead of the next poll), and it keeps
 * what only events can tell — a container that died, and a container that was restarted, during the wait.
 *
 * If the stream cannot start or ends early, `live` turns false and callers fall back to polling; a short poll
 * stays as the fallback and the final confirmation either way.
 * Event reference: https://docs.docker.com/reference/cli/docker/system/events/#containers.
 */
import { type Runner, run } from '../exec/cli.js';

import { PROJECT_LABEL } from './ownership.js';
import type { ContainerEvents, WatchFacts } from './status.js';

const EVENTS = ['create', 'start', 'die', 'health_status', 'destroy'];

/** `docker events` argv for a project since `sinceMs` (epoch ms), one JSON object per line. */
export function eventsArgs(project: string, sinceMs: number): string[] {
  return [
    'docker',
    'events',
    '--since',
    (sinceMs / 1000).toFixed(3),
    '--filter',
    'type=container',
    '--filter',
    `label=${PROJECT_LABEL}=${project}`,
    ...EVENTS.flatMap((event) => ['--filter', `event=${event}`]),
    '--format',
    '{{json .}}',
  ];
}

/** One parsed event (the fields used). */
export interface ContainerEvent {
  /** `start`, `die`, `health_status`, … (the part of `Action` before `:`). */
  action: string;
  /** `healthy` / `unhealthy` / `starting` for `health_status`, else ''. */
  detail: string;
  id: string;
  /** From `die`, else null. */
  exitCode: number | null;
  /** Nanoseconds since the epoch, as the engine stamped it. */
  timeNano: number;
}

/** Parses one `docker events --format '{{json .}}'` line; null for anything else. */
export function parseEvent(line: string): ContainerEvent | null {
  let raw: {
    Action?: string;
    id?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
    timeNano?: number;
  };
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const [action = '', detail = ''] = (raw.Action ?? '').split(':').map((part) => part.trim());
  const id = raw.Actor?.ID ?? raw.id ?? '';
  if (!action || !id) return null;
  const code = raw.Actor?.Attributes?.exitCode;
  return {
    action,
    detail,
    id,
    exitCode: code === undefined ? null : Number(code),
    timeNano: raw.timeNano ?? 0,
  };
}

/** A running event stream for one project. Always `stop()` it. */
export class ComposeWatch {
  /** False once the stream failed or ended before `stop()`: poll instead. */
  live = true;
  /** Every container ID an event mentioned, but not the ones destroyed since. */
  readonly seen = new Set<string>();
  private readonly facts = new Map<string, ContainerEvents>();
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  /** An event came while nobody waited (the caller was looking): the next `next` returns at once. */
  private missed = false;
  private stopped = false;
  private readonly ended: Promise<void>;
  /** The last event, for latency measurements and logs. */
  last: ContainerEvent | null = null;

  private constructor(project: string, sinceMs: number, runner: Runner) {
    this.ended = runner(eventsArgs(project, sinceMs), {
      timeoutMs: 24 * 3_600_000,
      signal: this.controller.signal,
      maxStdoutBytes: 1024 * 1024,
      onLine: (line) => this.apply(parseEvent(line)),
    }).then(
      () => this.end(),
      () => this.end(),
    );
  }

  /**
   * Starts following `project`'s container events from `sinceMs` (default: now).
   * @param runner the exec funnel (a fake in unit tests)
   */
  static start(project: string, runner: Runner = run, sinceMs = Date.now()): ComposeWatch {
    return new ComposeWatch(project, sinceMs, runner);
  }

  private end(): void {
    if (!this.stopped) this.live = false;
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) this.missed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Applies one event (public for unit tests). */
  apply(event: ContainerEvent | null): void {
    if (!event) return;
    this.last = event;
    if (event.action === 'destroy') this.seen.delete(event.id);
    else this.seen.add(event.id);
    const facts = this.facts.get(event.id) ?? { died: [], restarted: false };
    if (event.action === 'die') facts.died.push(event.exitCode ?? -1);
    if (event.action === 'start' && facts.died.length > 0) facts.restarted = true;
    if (event.action === 'die' || event.action === 'start') this.facts.set(event.id, facts);
    this.wake();
  }

  /** What the stream saw per container since it started (or since `forget`). */
  get watchFacts(): WatchFacts {
    return this.facts;
  }

  /** Forgets deaths and restarts seen so far (after `up`: Compose itself stops and restarts containers). */
  forget(): void {
    this.facts.clear();
  }

  /**
   * Resolves at the next event, after `ms`, or at once when the stream is not live. An event that came
   * since the last call returned (while the caller was looking, so its look may predate the change) makes
   * it resolve at once; otherwise a change during a look would wait for the fallback poll.
   */
  next(ms: number): Promise<void> {
    if (!this.live || this.stopped) return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
    if (this.missed) {
      this.missed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        // a waiter woken by its timer waits no more: a later event must count as missed
        const at = waiters.indexOf(done);
        if (at >= 0) waiters.splice(at, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Stops the stream and waits for the process to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort();
    await this.ended;
    this.wake();
  }
}
