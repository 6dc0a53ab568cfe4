/**
 * A small evaluator for GitHub Actions expressions, enough for `runs.post-if` conditions and for
 * `${{ ... }}` input defaults in action.yml.
 *
 * Supported: literals (`'str'` with `''` escape, numbers, `true`, `false`, `null`), context access
 * (`env.X`, `env['X']`, `github.token`, `runner.os`, `steps.id.outputs.x`, ...), operators
 * `!`, `<`, `<=`, `>`, `>=`, `==`, `!=`, `&&`, `||` and parentheses with GitHub's precedence and
 * loose-equality rules (strings compare case-insensitively; mismatched types are coerced to
 * numbers; `&&`/`||` return operand values), and the functions `always()`, `success()`,
 * `failure()`, `cancelled()`, `contains()`, `startsWith()`, `endsWith()`, `format()`, `toJSON()`,
 * `fromJSON()`. Anything else throws {@link ExpressionError}.
 */

/** A value an expression can produce. */
export type ExprValue = string | number | boolean | null | ExprObject | ExprValue[];
/** An object value (a context or a parsed JSON object). */
export interface ExprObject {
  [key: string]: ExprValue;
}

/** Status of the job as seen by the status-check functions. */
export type JobStatus = 'success' | 'failure' | 'cancelled';

/** What an expression is evaluated against. */
export interface ExpressionScope {
  /** Job status before the step being evaluated; drives `success()`/`failure()`/`cancelled()`. */
  jobStatus: JobStatus;
  /** Named contexts, e.g. `{env: {...}, github: {...}, runner: {...}}`. */
  contexts: Record<string, ExprValue>;
  /**
   * Context names whose property lookup is case-sensitive (the runner uses a case-sensitive
   * dictionary for `env` on Linux; other contexts are case-insensitive). Default: `['env']`.
   */
  caseSensitiveContexts?: readonly string[];
}

/** Thrown for syntax errors and unknown functions/contexts. */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string }
  | { t: 'eof' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['&&', '||', '==', '!=', '<=', '>='].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('!<>()[],.'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExpressionError(`Unterminated string in expression: ${src}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i];
        i++;
      }
      out.push({ t: 'str', v });
      continue;
    }
    const num = /^(?:0x[0-9a-fA-F]+|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(src.slice(i));
    if (num && (/[\d.+-]/.test(c) || c === '0')) {
      const text = num[0];
      out.push({ t: 'num', v: text.startsWith('0x') ? Number.parseInt(text, 16) : Number(text) });
      i += text.length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new ExpressionError(`Unexpected character '${c}' in expression: ${src}`);
  }
  out.push({ t: 'eof' });
  return out;
}

type Node =
  | { k: 'lit'; v: ExprValue }
  | { k: 'ctx'; name: string }
  | { k: 'prop'; obj: Node; key: Node }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'not'; x: Node }
  | { k: 'bin'; op: string; l: Node; r: Node };

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly src: string,
  ) {}

  private peek(): Token {
    return this.toks[this.i] as Token;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new ExpressionError(`Expected '${v}' in expression: ${this.src}`);
    this.i++;
  }

  parseAll(): Node {
    const n = this.or();
    if (this.peek().t !== 'eof') throw new ExpressionError(`Unexpected token in expression: ${this.src}`);
    return n;
  }
  private or(): Node {
    let l = this.and();
    while (this.isOp('||')) {
      this.i++;
      l = { k: 'bin', op: '||', l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.eq();
    while (this.isOp('&&')) {
      this.i++;
      l = { k: 'bin', op: '&&', l, r: this.eq() };
    }
    return l;
  }
  private eq(): Node {
    let l = this.cmp();
    while (this.isOp('==') || this.isOp('!=')) {
      const op = (this.toks[this.i++] as { v: string }).v;
      l = { k: 'bin', op, l, r: this.cmp() };
    }
    return l;
  }
  private cmp(): Node {
    let l = this.unary();
    while (this.isOp('<') || this.isOp('<=') || this.isOp('>') || this.isOp('>=')) {
      const op = (this.toks[this.i++] as { v: string }).v;
      l = { k: 'bin', op, l, r: this.unary() };
    }
    return l;
  }
  private unary(): Node {
    if (this.isOp('!')) {
      this.i++;
      return { k: 'not', x: this.unary() };
    }
    return this.postfix();
  }
  private postfix(): Node {
    let n = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.peek();
        if (t.t !== 'id') throw new ExpressionError(`Expected a property name in expression: ${this.src}`);
        this.i++;
        n = { k: 'prop', obj: n, key: { k: 'lit', v: t.v } };
      } else if (this.isOp('[')) {
        this.i++;
        const key = this.or();
        this.expectOp(']');
        n = { k: 'prop', obj: n, key };
      } else {
        return n;
      }
    }
  }
  private primary(): Node {
    const t = this.peek();
    if (t.t === 'str' || t.t === 'num') {
      this.i++;
      return { k: 'lit', v: t.v };
    }
    if (t.t === 'op' && t.v === '(') {
      this.i++;
      const n = this.or();
      this.expectOp(')');
      return n;
    }
    if (t.t === 'id') {
      this.i++;
      if (this.isOp('(')) {
        this.i++;
        const args: Node[] = [];
        if (!this.isOp(')')) {
          args.push(this.or());
          while (this.isOp(',')) {
            this.i++;
            args.push(this.or());
          }
        }
        this.expectOp(')');
        return { k: 'call', name: t.v.toLowerCase(), args };
      }
      const lower = t.v.toLowerCase();
      if (lower === 'true') return { k: 'lit', v: true };
      if (lower === 'false') return { k: 'lit', v: false };
      if (lower === 'null') return { k: 'lit', v: null };
      return { k: 'ctx', name: t.v };
    }
    throw new ExpressionError(`Unexpected token in expression: ${this.src}`);
  }
}

/** GitHub truthiness: `null`, `false`, `0`, `NaN` and `''` are falsy; objects/arrays are truthy. */
export function truthy(v: ExprValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v !== '';
  return true;
}

function toNumber(v: ExprValue): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return 0;
    if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s, 16);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) && !/^[-+]?infinity$/i.test(s)) return Number.NaN;
    return Number(s);
  }
  return Number.NaN;
}

function kind(v: ExprValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Loose equality as GitHub defines it. */
export function looseEquals(a: ExprValue, b: ExprValue): boolean {
  const ka = kind(a);
  const kb = kind(b);
  if (ka === kb) {
    if (ka === 'string') return (a as string).toUpperCase() === (b as string).toUpperCase();
    if (ka === 'number') return a === b;
    return a === b;
  }
  const na = toNumber(a);
  const nb = toNumber(b);
  return na === nb; // NaN never equals
}

function compare(op: string, a: ExprValue, b: ExprValue): boolean {
  let x: number | string;
  let y: number | string;
  if (typeof a === 'string' && typeof b === 'string') {
    x = a.toUpperCase();
    y = b.toUpperCase();
  } else {
    x = toNumber(a);
    y = toNumber(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
  }
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

/** String conversion used by `format()` and `${{ }}` interpolation. */
export function exprToString(v: ExprValue): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2);
}

function lookup(obj: ExprValue, key: ExprValue, caseSensitive: boolean): ExprValue {
  if (obj === null || typeof obj !== 'object') return null;
  if (Array.isArray(obj)) {
    const idx = toNumber(key);
    return Number.isInteger(idx) ? (obj[idx] ?? null) : null;
  }
  const k = exprToString(key);
  if (Object.hasOwn(obj, k)) return obj[k] ?? null;
  if (caseSensitive) return null;
  const upper = k.toUpperCase();
  for (const [name, val] of Object.entries(obj)) if (name.toUpperCase() === upper) return val;
  return null;
}

function evalNode(n: Node, scope: ExpressionScope, caseSensitive: ReadonlySet<string>): ExprValue {
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'ctx': {
      const name = Object.keys(scope.contexts).find((c) => c.toLowerCase() === n.name.toLowerCase());
      if (name === undefined) throw new ExpressionError(`Unrecognized named-value: '${n.name}'`);
      return scope.contexts[name] ?? null;
    }
    case 'prop': {
      const cs = n.obj.k === 'ctx' && caseSensitive.has(n.obj.name.toLowerCase());
      return lookup(evalNode(n.obj, scope, caseSensitive), evalNode(n.key, scope, caseSensitive), cs);
    }
    case 'not':
      return !truthy(evalNode(n.x, scope, caseSensitive));
    case 'bin': {
      const l = evalNode(n.l, scope, caseSensitive);
      if (n.op === '&&') return truthy(l) ? evalNode(n.r, scope, caseSensitive) : l;
      if (n.op === '||') return truthy(l) ? l : evalNode(n.r, scope, caseSensitive);
      const r = evalNode(n.r, scope, caseSensitive);
      if (n.op === '==') return looseEquals(l, r);
      if (n.op === '!=') return !looseEquals(l, r);
      return compare(n.op, l, r);
    }
    case 'call': {
      const args = n.args.map((a) => evalNode(a, scope, caseSensitive));
      const arity = (min: number, max: number) => {
        if (args.length < min || args.length > max) {
          throw new ExpressionError(`Wrong number of arguments to ${n.name}()`);
        }
      };
      switch (n.name) {
        case 'always':
          arity(0, 0);
          return true;
        case 'success':
          arity(0, 0);
          return scope.jobStatus === 'success';
        case 'failure':
          arity(0, 0);
          return scope.jobStatus === 'failure';
        case 'cancelled':
          arity(0, 0);
          return scope.jobStatus === 'cancelled';
        case 'contains': {
          arity(2, 2);
          const [hay, needle] = args as [ExprValue, ExprValue];
          if (Array.isArray(hay)) return hay.some((x) => looseEquals(x, needle));
          return exprToString(hay).toUpperCase().includes(exprToString(needle).toUpperCase());
        }
        case 'startswith':
          arity(2, 2);
          return exprToString(args[0] as ExprValue)
            .toUpperCase()
            .startsWith(exprToString(args[1] as ExprValue).toUpperCase());
        case 'endswith':
          arity(2, 2);
          return exprToString(args[0] as ExprValue)
            .toUpperCase()
            .endsWith(exprToString(args[1] as ExprValue).toUpperCase());
        case 'format': {
          if (args.length < 1) throw new ExpressionError('format() needs at least one argument');
          const [fmt, ...rest] = args;
          return exprToString(fmt as ExprValue).replace(
            /\{\{|\}\}|\{(\d+)\}/g,
            (m, idx: string | undefined) => {
              if (m === '{{') return '{';
              if (m === '}}') return '}';
              const v = rest[Number(idx)];
              if (v === undefined) throw new ExpressionError(`format() index ${idx} out of range`);
              return exprToString(v);
            },
          );
        }
        case 'tojson':
          arity(1, 1);
          return JSON.stringify(args[0], null, 2);
        case 'fromjson':
          arity(1, 1);
          return JSON.parse(exprToString(args[0] as ExprValue)) as ExprValue;
        default:
          throw new ExpressionError(`Unrecognized function: '${n.name}'`);
      }
    }
  }
}

/** Removes a `${{ ... }}` wrapper around a whole condition (allowed in `if`/`post-if`). */
function unwrap(expr: string): string {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(expr);
  return m && !(m[1] as string).includes('}}') ? (m[1] as string) : expr;
}

/** Evaluates an expression (optionally wrapped in `${{ }}`) and returns its value. */
export function evaluateExpression(expr: string, scope: ExpressionScope): ExprValue {
  const src = unwrap(expr);
  const caseSensitive = new Set((scope.caseSensitiveContexts ?? ['env']).map((c) => c.toLowerCase()));
  return evalNode(new Parser(tokenize(src), src).parseAll(), scope, caseSensitive);
}

/**
 * Evaluates a condition such as a `post-if` and returns its truthiness. Like the runner for
 * `post-if`, the expression is evaluated as written (no implicit `success() &&` is added).
 */
export function evaluateCondition(expr: string, scope: ExpressionScope): boolean {
  return truthy(evaluateExpression(expr, scope));
}

/**
 * Expands every `${{ expr }}` in a string (e.g. an input default) and returns the result; text
 * outside the markers is kept. Throws {@link ExpressionError} when an expression can't be evaluated.
 */
export function interpolate(template: string, scope: ExpressionScope): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) =>
    exprToString(evaluateExpression(expr, scope)),
  );
}
