/**
 * `{{namespace}}`, `{{pr}}`, `{{sha}}`, `{{environment}}` and `{{host}}` in the `set`, `values` and `host`
 * inputs, replaced with this deploy's facts, so one values file serves every PR
 * (`ingress.host={{environment}}.preview.example.test`).
 */
import { UserInputError } from '../../shared/src/runtime/errors.js';

/** The template variables and their values for one deploy. */
export interface TemplateVars {
  namespace: string;
  /** The PR number as text, '' outside a PR. */
  pr: string;
  /** The head SHA (40 hex). */
  sha: string;
  environment: string;
  /** The rendered `host` input ('' when unset). */
  host: string;
}

export const TEMPLATE_NAMES = ['namespace', 'pr', 'sha', 'environment', 'host'] as const;
const TEMPLATE = /\{\{\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}/g;

/**
 * Replaces every `{{name}}` (spaces inside the braces allowed) in `text`.
 * Only bare identifiers are templates: Go-template text such as `{{ .Values.x }}` is left alone.
 * @param input the input (or file) the text came from, for the error
 * @throws UserInputError naming `input` for an unknown variable, or `{{pr}}` outside a pull request
 */
export function renderTemplate(input: string, text: string, vars: TemplateVars): string {
  return text.replace(TEMPLATE, (whole, name: string) => {
    if (!(TEMPLATE_NAMES as readonly string[]).includes(name)) {
      throw new UserInputError(
        input,
        `${whole} is not a known template variable`,
        `use one of ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(', ')}`,
      );
    }
    const value = vars[name as keyof TemplateVars];
    if (value === '' && name === 'pr') {
      throw new UserInputError(
        input,
        '{{pr}} is used but this run has no pull request',
        'run on a pull_request event, pass "pr-number", or drop {{pr}}',
      );
    }
    if (value === '' && name === 'host') {
      throw new UserInputError(
        input,
        '{{host}} is used but the "host" input is empty',
        'set "host", e.g. {{environment}}.preview.example.test',
      );
    }
    return value;
  });
}
