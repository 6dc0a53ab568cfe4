/**
 * The Helm inputs that carry values, read before anything runs: `set` / `set-public` (one `--set`
 * argument per line, read as Helm reads it: kube/helm-set.ts) and the values files (valid YAML, their
 * secret-named keys registered). `set` values are secrets — registered, and shown as `key=***` in logs and
 * reports (`setDisplay`); `set-public` values are shown as they are.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { HelmSetError, helmSetSecrets, parseHelmSet, redactHelmSet } from '../../shared/src/kube/helm-set.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { isSecretName, registerSecret, registerUrlSecrets } from '../../shared/src/runtime/secrets.js';
import { TEMPLATE_NAMES } from './templates.js';

const SET_FIX =
  'write one --set argument per line as key=value (a comma separates pairs; write \\, for a comma inside a value), e.g. image.tag={{sha}}';

/** `{{sha}}` and the other template variables, replaced by a plain word so the syntax can be checked. */
export function withoutTemplates(line: string): string {
  return line.replace(new RegExp(`\\{\\{\\s*(${TEMPLATE_NAMES.join('|')})\\s*\\}\\}`, 'g'), 'template');
}

/**
 * The `--set` arguments of `input`, one per non-empty line, checked as Helm would parse them.
 * @param secret register every value (raw and unescaped) as a secret
 * @throws UserInputError naming the input and the line
 */
export function readSetLines(input: string, text: string, secret: boolean): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  lines.forEach((line, i) => {
    if (secret) registerSetSecrets(line);
    try {
      parseHelmSet(withoutTemplates(line));
    } catch (error) {
      if (!(error instanceof HelmSetError)) throw error;
      throw new UserInputError(input, `line ${i + 1}: ${error.message}`, SET_FIX);
    }
  });
  return lines;
}

/**
 * The `repo` input: '' or a chart repository URL (http, https or oci, no spaces or shell characters). A
 * password in it is registered (masked) before any line can show it.
 * @throws UserInputError naming the input and the fix
 */
export function readRepoUrl(input: string, repo: string): string {
  registerUrlSecrets(repo);
  if (repo && !/^(https?|oci):\/\/[^\s;|&$`'"<>(){}]+$/.test(repo))
    throw new UserInputError(
      input,
      `"${repo}" is not a chart repository URL`,
      'use https://charts.example.com (or leave it empty for a local or oci:// chart)',
    );
  return repo;
}

/** Registers every value of a `--set` argument (raw and as Helm reads it) as a secret. */
export function registerSetSecrets(line: string): void {
  for (const pair of safePairs(line))
    for (const value of helmSetSecrets(pair)) {
      registerSecret(value);
      // the parts of a value with a comma, which a list or a tool's message may show on their own
      for (const part of value.split(',')) registerSecret(part.replace(/\\$/, ''));
    }
}

/** The pairs of a line Helm may refuse (for registering its values before the error is shown). */
function safePairs(line: string): ReturnType<typeof parseHelmSet> {
  try {
    return parseHelmSet(line);
  } catch {
    registerSecret(line.slice(line.indexOf('=') + 1));
    return [];
  }
}

/**
 * A `helm` argv as shown in logs and reports: each argument after `--set` that is not one of `publicSets`
 * becomes `key=***` (kube/helm-set.ts `redactHelmSet`).
 */
export function setDisplay(args: readonly string[], publicSets: readonly string[]): string[] {
  const open = new Set(publicSets);
  return args.map((arg, i) => (args[i - 1] === '--set' && !open.has(arg) ? redactHelmSet(arg) : arg));
}

/**
 * Checks that a values file is YAML and registers the values of its secret-named keys (`password`,
 * `apiKey`, `tls.key`, …) at any depth, so Helm's output and the diagnostics never show them.
 * @throws UserInputError naming `values (file:line)` for invalid YAML
 */
export function readValuesFile(input: string, file: string, workspace: string): void {
  const lines = new LineCounter();
  const doc = parseDocument(withoutTemplates(readFileSync(file, 'utf8')), { lineCounter: lines });
  const shown = relative(workspace, file) || file;
  const error = doc.errors[0];
  if (error) {
    const at = lines.linePos(error.pos[0]);
    throw new UserInputError(
      `${input} (${shown}:${at.line})`,
      `is not valid YAML: ${error.message.split('\n')[0]}`,
      'fix the values file so that helm can read it',
    );
  }
  const walk = (node: unknown, secret: boolean): void => {
    if (Array.isArray(node)) for (const item of node) walk(item, secret);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) walk(value, secret || isSecretName(key));
    else if (secret && node !== null && node !== undefined) registerSecret(String(node));
  };
  walk(doc.toJS(), false);
}
