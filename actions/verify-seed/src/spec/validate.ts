/**
 * Schema validation of a spec document with Ajv (https://ajv.js.org/, `allErrors`, strict mode), turning
 * each Ajv error (https://ajv.js.org/api.html#validation-errors) into a located, readable issue: the
 * unknown key with the closest allowed one, the missing key, the expected type or value set.
 *
 * The validator is Ajv's standalone code (https://ajv.js.org/standalone.html), generated from SPEC_SCHEMA
 * and SPEC_AJV_OPTIONS (schema.ts) by scripts/validators.mjs at build time: compiling the schema when
 * the action starts cost 100-250 ms of verify-seed's start-up (issue 12). A contract test fails when the
 * generated file no longer matches the schema.
 */
import type { ErrorObject } from 'ajv';
import type { DocPath, SpecDocument, SpecIssue } from './document.js';
import validateSpec from './spec-validator.generated.js';

/** JSON pointer (`/checks/1/expect`) → path (`['checks', 1, 'expect']`). */
export function pointerPath(pointer: string): DocPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Edit distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest of `choices` to `word` (at most 2 edits or a case difference), or null. */
export function closest(word: string, choices: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const choice of choices) {
    const d = choice.toLowerCase() === word.toLowerCase() ? 0 : distance(word, choice);
    if (d < bestDistance) {
      best = choice;
      bestDistance = d;
    }
  }
  return best;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return `${typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : `a ${typeof value}`} (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function typeText(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}

function message(error: ErrorObject): string | null {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `missing required key "${params.missingProperty}"`;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(
        ((error.parentSchema ?? {}) as { properties?: Record<string, unknown> }).properties ?? {},
      );
      const near = closest(key, allowed);
      return `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; expected one of: ${allowed.join(', ')}`;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const near = typeof error.data === 'string' ? closest(error.data, allowed) : null;
      return `${describeValue(error.data)} is not allowed${near ? ` (did you mean "${near}"?)` : ''}; expected one of: ${allowed.join(', ')}`;
    }
    case 'const':
      return `expected ${JSON.stringify(params.allowedValue)}, got ${describeValue(error.data)}`;
    case 'type':
      return `expected ${typeText(params.type)}, got ${describeValue(error.data)}`;
    case 'minItems':
      return `expected at least ${params.limit} item${params.limit === 1 ? '' : 's'}`;
    case 'minLength':
      return 'expected a non-empty string';
    case 'minProperties':
      return `expected at least ${params.limit} key${params.limit === 1 ? '' : 's'}`;
    case 'minimum':
    case 'maximum':
      return `expected a number ${params.comparison} ${params.limit}, got ${describeValue(error.data)}`;
    case 'pattern':
      if (error.propertyName !== undefined)
        return `the name "${error.propertyName}" is not allowed; expected letters, digits, "_", "." and "-", starting with a letter or digit`;
      return error.schemaPath.endsWith('/path/pattern')
        ? `expected a path starting with "/", got ${describeValue(error.data)}`
        : `${describeValue(error.data)} does not match ${params.pattern}`;
    // Consequences of errors reported on their own (the kind's enum, the key's pattern, if/then branches).
    case 'if':
    case 'discriminator':
    case 'propertyNames':
    case 'oneOf':
      return null;
    default:
      return error.message ?? error.keyword;
  }
}

/** A readable label for a check: `checks[1] ("users")`. */
function withCheckName(doc: SpecDocument, path: DocPath, text: string): string {
  if (path[0] !== 'checks' || typeof path[1] !== 'number') return text;
  const checks = (doc.value as { checks?: unknown[] } | undefined)?.checks;
  const check = Array.isArray(checks) ? (checks[path[1]] as { name?: unknown } | undefined) : undefined;
  return typeof check?.name === 'string' ? `check "${check.name}": ${text}` : text;
}

/**
 * Validates the document's value against the spec schema.
 * @returns every issue (empty when the shape is valid), located at the offending node or key
 */
export function schemaIssues(doc: SpecDocument): SpecIssue[] {
  if (validateSpec(doc.value)) return [];
  const issues: SpecIssue[] = [];
  const seen = new Set<string>();
  for (const error of validateSpec.errors ?? []) {
    const text = message(error);
    if (text === null) continue;
    const path = pointerPath(error.instancePath);
    let key: string | undefined;
    if (error.keyword === 'additionalProperties') key = String(error.params.additionalProperty);
    if (error.keyword === 'pattern' && error.propertyName !== undefined) key = error.propertyName;
    const issue = doc.issue(path, withCheckName(doc, path, text), key);
    const id = `${issue.path}|${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
}
