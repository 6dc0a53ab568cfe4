/**
 * GitHub is the judge of GitHub behaviour. Every action.yml must load with GitHub's own action-manifest
 * parser (`parseAction` of @actions/workflow-parser, the rules the runner applies: only `default` may hold
 * an expression, …). Every workflow the project ships or documents (test/harness/documented-workflows.ts)
 * must pass GitHub's workflow parser (`parseWorkflow` + `convertWorkflowTemplate`) and actionlint
 * (rhysd/actionlint, built once into the tools cache by scripts/tools/build.sh). For actionlint,
 * `uses: org/ephemeral/<name>@v1` is read as the local `./<name>`, so every `with:` key of a documented
 * step is also checked against this commit's action.yml.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allDocumentedWorkflows,
  asWorkflow,
  type DocumentedWorkflow,
  documentationFiles,
  markdownWorkflows,
  where,
} from '../harness/documented-workflows.js';
import { repoRoot } from '../harness/env.js';

const MANIFESTS = [
  'action.yml',
  ...['provision-compose', 'deploy-namespace', 'wait-ready', 'verify-seed', 'teardown'].map(
    (n) => `${n}/action.yml`,
  ),
];
const trace = new NoOperationTraceWriter();
const workflows = allDocumentedWorkflows();

describe('GitHub’s action parser (parseAction)', () => {
  it.each(MANIFESTS)('%s loads with zero errors', (file) => {
    const result = parseAction({ name: file, content: readFileSync(join(repoRoot, file), 'utf8') }, trace);
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(result.value).toBeDefined();
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
  it('would catch the regression it guards against: ${{ }} outside default', () => {
    const bad = readFileSync(join(repoRoot, 'teardown/action.yml'), 'utf8').replace(
      'description: "The environment name.',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      'description: "The environment name, e.g. ${{ github.repository }}.',
    );
    const errors = parseAction(
      { name: 'teardown/action.yml', content: bad },
      trace,
    ).context.errors.getErrors();
    expect(errors.map((e) => e.message).join('\n')).toMatch(/Unrecognized named-value: 'github'/);
  });
});

describe('the documented workflows', () => {
  it('are all found: workflow files, README, action-docs and usage files', () => {
    const count = (file: string) => workflows.filter((w) => w.file === file).length;
    expect(workflows.filter((w) => w.file.startsWith('.github/workflows/')).length).toBeGreaterThanOrEqual(2);
    expect(count('examples/workflows/pr-environment.yml')).toBe(1);
    expect(count('examples/workflows/pr-cleanup.yml')).toBe(1);
    expect(count('examples/workflows/orphan-sweep.yml')).toBe(1);
    // README: per-PR compose, per-PR namespace, a real app on Kubernetes, the same in a vcluster, compose
    // cleanup, namespace cleanup, scheduled orphan sweep
    expect(markdownWorkflows('README.md').filter((w) => w.kind === 'workflow')).toHaveLength(7);
    for (const file of documentationFiles().filter((f) => f.startsWith('action-docs/')))
      expect(count(file), file).toBeGreaterThanOrEqual(1);
  });

  it.each(workflows.map((w) => [where(w), w] as const))(
    '%s passes GitHub’s workflow parser',
    async (_, w) => {
      expect(await parserErrors(w)).toEqual([]);
    },
  );
});

describe('actionlint', () => {
  const dir = join(repoRoot, '.cache', `actionlint-${process.pid}`);
  let actionlint = '';
  beforeAll(() => {
    // Fails (never skips) when actionlint cannot be built: the output says why.
    actionlint = execFileSync('bash', [join(repoRoot, 'scripts/tools/build.sh'), 'actionlint'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    mkdirSync(dir, { recursive: true });
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds nothing in any documented or shipped workflow', () => {
    const sources = new Map<string, { w: DocumentedWorkflow; toSource: (line: number) => number }>();
    workflows.forEach((w, i) => {
      const { text, toSource } = asWorkflow(w);
      const path = join(dir, `${String(i).padStart(3, '0')}.yml`);
      writeFileSync(path, text.replace(/\borg\/ephemeral\/([a-z-]+)@v1\b/g, './$1'));
      sources.set(path.slice(repoRoot.length + 1), { w, toSource });
    });
    const result = spawnSync(
      actionlint,
      ['-format', '{{json .}}', '-shellcheck=', '-pyflakes=', ...sources.keys()],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(result.error).toBeUndefined();
    const findings = (JSON.parse(result.stdout || '[]') as ActionlintError[]).map((e) => {
      const s = sources.get(e.filepath);
      return s
        ? `${s.w.file}:${s.toSource(e.line)}:${e.column}: ${e.message} [${e.kind}]`
        : JSON.stringify(e);
    });
    expect(findings, result.stderr).toEqual([]);
    expect(result.status, result.stderr).toBe(0);
  });

  it('would catch a documented input that the action does not have', () => {
    const path = join(dir, 'typo.yml');
    writeFileSync(
      path,
      'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./wait-ready\n        with:\n          urll: http://x\n',
    );
    const result = spawnSync(actionlint, ['-format', '{{json .}}', path.slice(repoRoot.length + 1)], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(JSON.parse(result.stdout)[0].message).toMatch(
      /input "urll" is not defined in action "ephemeral · wait-ready"/,
    );
  });
});

interface ActionlintError {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

/** GitHub's workflow parser on `w`: every error as `file:line: message`, positions in the source file. */
async function parserErrors(w: DocumentedWorkflow): Promise<string[]> {
  const { text, toSource } = asWorkflow(w);
  const parsed = parseWorkflow({ name: w.file, content: text }, trace);
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => {
    const line = e.range ? toSource(e.range.start.line) : w.line;
    const message = e.message.replace(/^.*?\(Line: \d+, Col: \d+\): /, '').replace(`${w.file}: `, '');
    return `${w.file}:${line}: ${message.split('\n')[0]}`;
  });
}
