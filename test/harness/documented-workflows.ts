/**
 * Every workflow the project documents or ships, as text with its source position, for the checks that
 * hold them to GitHub's rules (test/contract/github-rules.test.ts) and for the act suite (test/act):
 *
 * - workflow files: `.github/workflows/*.yml`, `examples/workflows/*.yml`;
 * - YAML code blocks of README.md, action-docs/*.md and actions/<name>/usage.md that are workflows (a
 *   top-level `jobs:`) or lists of workflow steps (items with `uses:` or `run:`). Other YAML blocks (a
 *   verify-seed checks spec, RBAC manifests) are not workflows and are not collected.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './env.js';

/** One workflow, or one list of steps, as written. */
export interface DocumentedWorkflow {
  /** Repository-relative path of the file that holds it. */
  file: string;
  /** 1-based line in `file` of its first YAML line. */
  line: number;
  /** `workflow`: a whole workflow; `steps`: a list of steps (a fragment of a job). */
  kind: 'workflow' | 'steps';
  /** The YAML as written. */
  text: string;
}

/** `README.md:38` */
export const where = (w: DocumentedWorkflow): string => `${w.file}:${w.line}`;

const yamlFiles = (dir: string): string[] =>
  readdirSync(join(repoRoot, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);

/** The workflow files of the repository and of its examples. */
export function workflowFiles(): DocumentedWorkflow[] {
  return [...yamlFiles('.github/workflows'), ...yamlFiles('examples/workflows')].map((file) => ({
    file,
    line: 1,
    kind: 'workflow',
    text: readFileSync(join(repoRoot, file), 'utf8'),
  }));
}

/** The Markdown files whose YAML blocks are checked: README.md, action-docs/*.md, actions/<name>/usage.md. */
export function documentationFiles(): string[] {
  const actions = readdirSync(join(repoRoot, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `actions/${d.name}/usage.md`)
    .filter((f) => existsSync(join(repoRoot, f)))
    .sort();
  const docs = readdirSync(join(repoRoot, 'action-docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `action-docs/${f}`);
  return ['README.md', ...docs, ...actions];
}

/** The workflows and step lists among the ```yaml blocks of a Markdown file. */
export function markdownWorkflows(file: string): DocumentedWorkflow[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const found: DocumentedWorkflow[] = [];
  for (const match of text.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)) {
    const body = match[1] ?? '';
    const line = text.slice(0, match.index).split('\n').length + 1;
    const kind = /^jobs:/m.test(body) ? 'workflow' : /^(?:- | {2})(?:uses|run):/m.test(body) ? 'steps' : null;
    if (kind) found.push({ file, line, kind, text: body });
  }
  return found;
}

/** Every documented and shipped workflow. */
export function allDocumentedWorkflows(): DocumentedWorkflow[] {
  return [...workflowFiles(), ...documentationFiles().flatMap(markdownWorkflows)];
}

const STEPS_HEADER = ['on: pull_request', 'jobs:', '  snippet:', '    runs-on: ubuntu-latest', '    steps:'];

/**
 * The text as a complete workflow: a step list goes into one job of a `pull_request` workflow (indented
 * 6), so line `n` of the result is line `n - STEPS_HEADER.length` of the snippet. `toSource` maps a line
 * of the result back to the line in `w.file`.
 */
export function asWorkflow(w: DocumentedWorkflow): { text: string; toSource: (line: number) => number } {
  if (w.kind === 'workflow') return { text: w.text, toSource: (line) => w.line + line - 1 };
  const body = w.text
    .split('\n')
    .map((l) => (l === '' ? l : `      ${l}`))
    .join('\n');
  return {
    text: `${STEPS_HEADER.join('\n')}\n${body}`,
    toSource: (line) => w.line + line - 1 - STEPS_HEADER.length,
  };
}
