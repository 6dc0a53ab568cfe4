/**
 * GitHub's REST contract for the fake GitHub: the committed subset of GitHub's own OpenAPI description
 * (`openapi-subset.json`, generated from the pinned npm @octokit/openapi by scripts/github-openapi-subset.mjs),
 * compiled with Ajv. Routes a request to its operation and validates path, query and body parameters, and
 * a response body against the schema for its status code.
 *
 * OpenAPI 3.0 specifics: `nullable` is an Ajv keyword already; query and path values arrive as text and are
 * coerced by their declared `type` before validation (Ajv `coerceTypes` on a per-parameter schema). A status
 * an operation does not declare (a fault the fake injects: a 403 on `pulls/list`, a 5xx) is validated
 * against `basic-error`, the body GitHub sends for every error.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: object;
}
interface Operation {
  operationId: string;
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: object }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: object }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: {
    parameters: Record<string, Parameter>;
    responses: Record<string, Operation['responses'][string]>;
  };
}

/** A matched route: the operation and its path parameters (still text). */
export interface Route {
  operationId: string;
  method: string;
  template: string;
  params: Record<string, string>;
}

/** The subset's path, beside this file. */
export const SUBSET_FILE = new URL('./openapi-subset.json', import.meta.url);

const SPEC_ID = 'github-rest';

function pointer(...parts: string[]): string {
  return `${SPEC_ID}#/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** GitHub's REST contract for the operations in the subset. */
export class GitHubContract {
  private readonly spec: Spec;
  private readonly ajv: Ajv;
  private readonly coercing: Ajv;
  private readonly routes: Array<{ method: string; template: string; regex: RegExp; names: string[] }> = [];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(text = readFileSync(SUBSET_FILE, 'utf8')) {
    this.spec = JSON.parse(text) as Spec;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    // GitHub sends "" for URLs never set (a deployment status without log_url), where its description says
    // format uri; accept exactly that, and any real URI.
    const uri = this.ajv.formats.uri as { validate: (s: string) => boolean } | ((s: string) => boolean);
    const isUri = typeof uri === 'function' ? uri : uri.validate;
    this.ajv.addFormat('uri', (s: string) => s === '' || isUri(s));
    this.ajv.addSchema({ ...this.spec, $id: SPEC_ID });
    this.coercing = new Ajv({ strict: false, coerceTypes: true, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(this.coercing);
    for (const [template, item] of Object.entries(this.spec.paths)) {
      const names: string[] = [];
      const source = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\?\{([^}]+)\\?\}/g, (_, name) => {
          names.push(name);
          return '([^/]+)';
        });
      for (const method of Object.keys(item))
        this.routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), names });
    }
  }

  /** The operations the contract knows: operationId → `METHOD /template`. */
  operations(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.routes)
      out[this.operation(r.template, r.method).operationId] = `${r.method} ${r.template}`;
    return out;
  }

  /** The route for `method` + `pathname`, or null when GitHub has no such operation in the subset. */
  match(method: string, pathname: string): Route | null {
    for (const r of this.routes) {
      if (r.method !== method.toUpperCase()) continue;
      const m = r.regex.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return {
        operationId: this.operation(r.template, r.method).operationId,
        method: r.method,
        template: r.template,
        params,
      };
    }
    return null;
  }

  private operation(template: string, method: string): Operation {
    const op = this.spec.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`no operation ${method} ${template}`);
    return op;
  }

  private parameters(op: Operation): Parameter[] {
    return (op.parameters ?? []).map((p) => {
      if ('$ref' in p) {
        const name = p.$ref.split('/').pop() as string;
        const resolved = this.spec.components.parameters[name];
        if (!resolved) throw new Error(`unknown parameter ${p.$ref}`);
        return resolved;
      }
      return p;
    });
  }

  private compiled(key: string, make: () => ValidateFunction): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = make();
      this.cache.set(key, fn);
    }
    return fn;
  }

  /**
   * Validates a request against its operation; returns the problems (empty when valid) and the query and
   * path values coerced to their declared types.
   */
  validateRequest(
    route: Route,
    query: URLSearchParams,
    body: unknown,
    hasBody: boolean,
  ): { problems: string[]; query: Record<string, unknown>; path: Record<string, unknown> } {
    const op = this.operation(route.template, route.method);
    const problems: string[] = [];
    const values = { query: {} as Record<string, unknown>, path: {} as Record<string, unknown> };
    const declared = this.parameters(op);
    for (const key of query.keys())
      if (!declared.some((p) => p.in === 'query' && p.name === key))
        problems.push(`query parameter "${key}" is not declared`);
    for (const p of declared) {
      if (p.in === 'header') continue;
      const raw = p.in === 'path' ? route.params[p.name] : query.get(p.name);
      if (raw === undefined || raw === null) {
        if (p.required) problems.push(`${p.in} parameter "${p.name}" is required`);
        continue;
      }
      const holder = { value: raw as unknown };
      const validate = this.compiled(`param:${route.template}:${p.in}:${p.name}`, () =>
        this.coercing.compile({ type: 'object', properties: { value: p.schema } }),
      );
      if (!validate(holder)) problems.push(...describe(`${p.in} parameter "${p.name}"`, validate));
      values[p.in as 'query' | 'path'][p.name] = holder.value;
    }
    const json = op.requestBody?.content['application/json'];
    if (json) {
      if (!hasBody) {
        if (op.requestBody?.required) problems.push('request body is required');
      } else {
        const validate = this.compiled(`body:${route.template}:${route.method}`, () =>
          this.ajv.compile({
            $ref: pointer(
              'paths',
              route.template,
              route.method.toLowerCase(),
              'requestBody',
              'content',
              'application/json',
              'schema',
            ),
          }),
        );
        if (!validate(body)) problems.push(...describe('request body', validate));
      }
    } else if (hasBody) problems.push('this operation takes no request body');
    return { problems, ...values };
  }

  /**
   * Validates a response body for `status`: the operation's schema for that status when it declares one,
   * else `basic-error` for 4xx/5xx. Returns the problems (empty when valid).
   */
  validateResponse(route: Route, status: number, body: unknown): string[] {
    const op = this.operation(route.template, route.method);
    let response = op.responses[String(status)];
    if (response?.$ref) response = this.spec.components.responses[response.$ref.split('/').pop() as string];
    const declaredSchema = response?.content?.['application/json']?.schema;
    // Undeclared faults, and declared errors without a schema (create-deployment 409), carry GitHub's error body.
    if (!declaredSchema && status >= 400) {
      const validate = this.compiled('basic-error', () =>
        this.ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/basic-error` }),
      );
      return validate(body) ? [] : describe(`error body (${status})`, validate);
    }
    if (!response) return [`status ${status} is not a response ${route.operationId} declares`];
    if (!declaredSchema)
      return body === undefined || body === ''
        ? []
        : [`status ${status} of ${route.operationId} has no body`];
    const ref = op.responses[String(status)]?.$ref;
    const path = ref
      ? pointer(
          'components',
          'responses',
          ref.split('/').pop() as string,
          'content',
          'application/json',
          'schema',
        )
      : pointer(
          'paths',
          route.template,
          route.method.toLowerCase(),
          'responses',
          String(status),
          'content',
          'application/json',
          'schema',
        );
    const validate = this.compiled(`response:${path}`, () => this.ajv.compile({ $ref: path }));
    return validate(body) ? [] : describe(`response body (${status})`, validate);
  }

  /** A named example from the description (a template the fake overwrites with its state). */
  example(name: string): Record<string, unknown> {
    const example = (this.spec.components as unknown as { examples: Record<string, { value: unknown }> })
      .examples[name];
    if (!example) throw new Error(`no example ${name} in the subset`);
    return structuredClone(example.value) as Record<string, unknown>;
  }
}

function describe(what: string, validate: ValidateFunction): string[] {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${what}${e.instancePath.replace(/^\/value/, '')} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    );
}
