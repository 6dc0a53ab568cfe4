/**
 * Runs corpus rows (test/corpus/rows.ts) against the bundled actions through the runner harness, one
 * fresh workspace per row, and gathers what each row's assertions need: the main step, its error text,
 * marker files an injection would have created, and anything the row left on the Docker engine or the
 * test cluster. "Left behind" is scoped to this run: its repository (`acme/corpus<tag>`, unique per run)
 * names every environment it could create, and labels everything the actions create with it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pullRequestEvent } from '../harness/events.js';
import { type JobResult, runJob, type StepResult } from '../harness/job.js';
import { type CorpusRow, injections, MARK, needsOf } from './rows.js';

/** Base files of each action's workspace, so a row fails on its own bad input and nothing else. */
export const BASE_FILES: Record<CorpusRow['action'], Record<string, string>> = {
  'provision-compose': {
    'compose.yaml': 'services:\n  web:\n    image: busybox:1.35\n    command: ["sleep", "300"]\n',
  },
  'deploy-namespace': {
    'manifests/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: corpus\ndata:\n  greeting: hello\n',
    'chart/Chart.yaml': 'apiVersion: v2\nname: corpus\nversion: 0.1.0\n',
    'chart/templates/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: corpus\ndata:\n  greeting: {{ .Values.greeting | default "hello" | quote }}\n',
  },
  'wait-ready': {},
  'verify-seed': {
    'checks.yaml':
      'connections:\n  api: { kind: http, url: "http://127.0.0.1:9" }\nchecks:\n  - { name: up, kind: http, connection: api, path: /, expect: { status: 200 } }\n',
  },
  teardown: {},
};

/** What one row's run produced. */
export interface CaseRun {
  row: CorpusRow;
  job: JobResult;
  main: StepResult;
  /** The error annotations of the main step, each `file:line: message` when it points into a file. */
  errors: string[];
  /** Marker files found (an injection ran). */
  injected: string[];
  /** Containers, networks, volumes or namespaces of this run still present. */
  left: string[];
}

function lines(argv: string[]): string[] {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** One corpus run: a unique repository, a marker folder, and the row runner. */
export class CorpusRun {
  readonly repository: string;
  /** The repository label value, as labels.ts writes it (`owner_repo`). */
  readonly repositoryLabel: string;
  readonly markers: string;
  private readonly prefixes: Set<string>;

  /** @param tag unique per test run, lowercase alphanumeric (e.g. the pid) */
  constructor(readonly tag: string) {
    this.repository = `acme/corpus${tag}`;
    this.repositoryLabel = `acme_corpus${tag}`;
    this.markers = mkdtempSync(join(tmpdir(), 'corpus-markers-'));
    this.prefixes = new Set([`corpus${tag}`]);
  }

  /** Replaces `${MARK}` in `text` with an injection creating `<markers>/<row index>`. */
  private inject(text: string, index: number): string {
    const forms = injections(join(this.markers, `row-${index}`));
    return text.split(MARK).join(forms[index % forms.length]!);
  }

  /** Runs row `index` (its PR number is 1000 + index). */
  async run(row: CorpusRow, index: number): Promise<CaseRun> {
    const workspace = mkdtempSync(join(tmpdir(), 'corpus-ws-'));
    const files = { ...BASE_FILES[row.action], ...(row.files ?? {}) };
    for (const [path, content] of Object.entries(files)) {
      const full = join(workspace, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, this.inject(content, index));
    }
    const inputs = Object.fromEntries(Object.entries(row.with).map(([k, v]) => [k, this.inject(v, index)]));
    const env = Object.fromEntries(Object.entries(row.env ?? {}).map(([k, v]) => [k, this.inject(v, index)]));
    if (row.with.name) this.prefixes.add(row.with.name.toLowerCase().slice(0, 20));
    const job = await runJob({
      repository: this.repository,
      workspace,
      event: pullRequestEvent(1000 + index, 'c0ffee'.padEnd(40, '0')),
      env: {
        // Engine rows can reach no cluster at all; cluster rows get the test cluster's KUBECONFIG.
        ...(needsOf(row) === 'engine' ? { KUBECONFIG: join(workspace, 'no-such-kubeconfig') } : {}),
        ...env,
      },
      steps: [{ id: 'step', uses: row.action, with: inputs }],
      stepTimeoutMs: 300_000,
    });
    const main = job.steps.find((s) => s.id === 'step' && s.phase === 'main')!;
    // As GitHub shows an annotation: its file and line (when it has them), then the message.
    const errors = main.annotations
      .filter((a) => a.level === 'error')
      .map((a) =>
        a.properties.file ? `${a.properties.file}:${a.properties.line ?? ''}: ${a.message}` : a.message,
      );
    const injected = existsSync(this.markers) ? readdirSync(this.markers) : [];
    const left = needsOf(row) === 'cluster' ? this.leftInCluster() : this.leftOnEngine();
    rmSync(workspace, { recursive: true, force: true });
    return { row, job, main, errors, injected, left };
  }

  private ours(name: string): boolean {
    return [...this.prefixes].some((p) => name.startsWith(p));
  }

  /** Containers, networks and volumes of this run (by name prefix or repository label). */
  leftOnEngine(): string[] {
    const label = `label=ephemeral.dev/repository=${this.repositoryLabel}`;
    const found = [
      ...lines(['docker', 'ps', '-a', '--filter', label, '--format', 'container {{.Names}}']),
      ...lines(['docker', 'network', 'ls', '--filter', label, '--format', 'network {{.Name}}']),
      ...lines(['docker', 'volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}']),
      ...lines(['docker', 'ps', '-a', '--format', 'container {{.Names}}']).filter((l) =>
        this.ours(l.slice(10)),
      ),
      ...lines(['docker', 'network', 'ls', '--format', 'network {{.Name}}']).filter((l) =>
        this.ours(l.slice(8)),
      ),
      ...lines(['docker', 'volume', 'ls', '--format', 'volume {{.Name}}']).filter((l) =>
        this.ours(l.slice(7)),
      ),
    ];
    return [...new Set(found)].sort();
  }

  /** Namespaces of this run (by name prefix or repository label). */
  leftInCluster(): string[] {
    const found = [
      ...lines([
        'kubectl',
        'get',
        'namespaces',
        '-l',
        `ephemeral.dev/repository=${this.repositoryLabel}`,
        '-o',
        'name',
      ]),
      ...lines(['kubectl', 'get', 'namespaces', '-o', 'name']).filter((l) =>
        this.ours(l.replace(/^namespace\//, '')),
      ),
    ];
    return [...new Set(found)].sort();
  }

  /** Removes the marker folder. */
  close(): void {
    rmSync(this.markers, { recursive: true, force: true });
  }
}
