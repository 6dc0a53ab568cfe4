/**
 * A Kubernetes watch through the exec funnel: one long-lived `kubectl get <resource> … --watch
 * --output-watch-events --output json`, which prints one event per line, `{"type":"ADDED"|"MODIFIED"|
 * "DELETED"|"ERROR","object":{…}}` (kubectl v1.36: compact JSON, one line each; the initial list arrives as
 * ADDED events, then every change the API server sends). It keeps the objects it was told about, by name,
 * and a `version` that counts the events applied, so a caller can tell a change it has not judged yet from
 * one it has (nothing is ever judged twice as "new").
 *
 * It never says "ready" itself: the caller judges `items` with shared/src/kube/readiness.ts. A watch that
 * ends (kubectl exits, an ERROR event such as 410 Gone), or prints a line that is not a complete event of the
 * expected kind, turns `live` false and stops; callers then poll, and must not use its objects any more.
 * Watch events: https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes;
 * kubectl flags: https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get/.
 */
import type { Kubectl } from './kubectl.js';

/** One event of the stream (BOOKMARK events are skipped; kubectl does not ask for them). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: { kind: string; metadata: { name: string } } & Record<string, unknown>;
}

/** What one line of the stream says: an event, the end of the watch (ERROR, or a broken line), or nothing. */
export type WatchLine = { event: WatchEvent } | { end: string } | null;

/** The flags that turn `kubectl get <args>` into the watch (appended to the caller's `get` arguments). */
export const WATCH_FLAGS = ['--watch', '--output-watch-events', '--output', 'json'] as const;

/**
 * Parses one line of `--output-watch-events --output json` (pure). Blank lines and BOOKMARKs say nothing;
 * an ERROR event, a line that is not JSON (a cut stream) or an event without an object of `kind` with a
 * name ends the watch: its state can no longer be trusted.
 * @param kind the object kind the watch asks for, e.g. `Deployment`
 */
export function parseWatchLine(line: string, kind: string): WatchLine {
  const text = line.trim();
  if (text === '') return null;
  let raw: { type?: unknown; object?: { kind?: unknown; metadata?: { name?: unknown }; message?: unknown } };
  try {
    raw = JSON.parse(text);
  } catch {
    return { end: `the watch printed a line that is not JSON: ${text.slice(0, 120)}` };
  }
  if (raw?.type === 'BOOKMARK') return null;
  if (raw?.type === 'ERROR') {
    const message = typeof raw.object?.message === 'string' ? raw.object.message : 'no message';
    return { end: `the API server ended the watch: ${message}` };
  }
  const object = raw?.object;
  const typeOk = raw?.type === 'ADDED' || raw?.type === 'MODIFIED' || raw?.type === 'DELETED';
  if (!typeOk || object?.kind !== kind || typeof object.metadata?.name !== 'string' || !object.metadata.name)
    return { end: `the watch printed an event that is not a complete ${kind}: ${text.slice(0, 120)}` };
  return { event: raw as WatchEvent };
}

/** A running watch. Always `stop()` it. */
export class KubeWatch {
  /** False once the watch ended or broke before `stop()` (then `why` says why): poll instead. */
  live = true;
  why = '';
  /** Events applied so far; grows by one per ADDED, MODIFIED or DELETED. */
  version = 0;
  private readonly objects = new Map<string, WatchEvent['object']>();
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  private stopped = false;
  private readonly ended: Promise<void>;

  private constructor(kubectl: Kubectl, getArgs: readonly string[], kind: string, timeoutMs: number) {
    this.ended = kubectl
      .tryRun([...getArgs, ...WATCH_FLAGS], {
        timeoutMs,
        signal: this.controller.signal,
        // events go to onLine; only a bounded head of stdout is kept
        maxStdoutBytes: 64 * 1024,
        onLine: (line) => this.apply(parseWatchLine(line, kind)),
      })
      .then(
        (result) => this.end(`kubectl exited (${result.exitCode}): ${result.stderr.trim().slice(-200)}`),
        (error: unknown) => this.end(`kubectl could not run: ${String(error)}`),
      );
  }

  /**
   * Starts watching.
   * @param getArgs `kubectl get` arguments naming what to watch, e.g. `['get', 'deployments.apps',
   *   '--namespace', 'ns', '--field-selector=metadata.name=api']` (the watch flags are appended)
   * @param kind the kind of the objects, e.g. `Deployment`: anything else ends the watch
   * @param timeoutMs the funnel kills kubectl after this many ms if nobody stopped it
   */
  static start(kubectl: Kubectl, getArgs: readonly string[], kind: string, timeoutMs: number): KubeWatch {
    return new KubeWatch(kubectl, getArgs, kind, timeoutMs);
  }

  /** The objects the watch holds now (the deleted ones gone), in the order first seen. */
  get items(): Array<WatchEvent['object']> {
    return [...this.objects.values()];
  }

  /** Applies one parsed line (public for unit tests). */
  apply(line: WatchLine): void {
    if (!line || !this.live) return;
    if ('end' in line) {
      this.end(line.end);
      this.controller.abort();
      return;
    }
    const { type, object } = line.event;
    if (type === 'DELETED') this.objects.delete(object.metadata.name);
    else this.objects.set(object.metadata.name, object);
    this.version++;
    this.notify();
  }

  private end(why: string): void {
    if (this.live && !this.stopped) this.why = why;
    this.live = false;
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Resolves true once an event after `version` arrived (at once if one already has), false when the
   * watch ends, `ms` pass or `signal` aborts first.
   */
  changed(version: number, ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.version > version) return Promise.resolve(true);
    if (!this.live || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
        signal?.removeEventListener('abort', done);
        resolve(this.version > version);
      };
      const check = () => {
        if (this.version > version || !this.live) done();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.listeners.add(check);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Kills kubectl and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.live = false;
    this.controller.abort();
    await this.ended;
  }
}
