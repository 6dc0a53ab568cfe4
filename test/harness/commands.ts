/**
 * Parsers for the two channels a JavaScript action uses to talk to the GitHub Actions runner:
 *
 * - **file commands** (`GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_STATE`, `GITHUB_PATH`), parsed the way
 *   `actions/runner` does it in `FileCommandManager` (Linux build: lines split on LF only), and
 * - **workflow commands** on stdout/stderr (`::name k=v,k=v::data`), parsed the way
 *   `ActionCommand.TryParseV2` + `ActionCommandManager` do it.
 *
 * Pure functions / small classes with no process or file-system side effects, so they can be unit
 * tested directly.
 */

/** Severity of an annotation, as produced by `::error::`, `::warning::` and `::notice::`. */
export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** One annotation raised during a step. */
export interface Annotation {
  level: AnnotationLevel;
  /** The (unescaped) command data, e.g. `failing on purpose`. */
  message: string;
  /** The (unescaped) command properties, e.g. `{file: 'src/a.ts', line: '3', title: 'T'}`. */
  properties: Record<string, string>;
  /**
   * `'action'` when the action emitted the workflow command itself; `'runner'` when the harness
   * produced it the way the runner would (unexpected inputs, malformed file commands, timeouts, ...).
   */
  origin: 'action' | 'runner';
}

/** A parsed `::command props::data` line. */
export interface WorkflowCommand {
  /** Command name in lower case (the runner matches names case-insensitively). */
  command: string;
  properties: Record<string, string>;
  data: string;
}

/** Commands the runner registers (others are printed as ordinary log lines). */
export const REGISTERED_COMMANDS: ReadonlySet<string> = new Set([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
]);

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/**
 * Parses one output line as a workflow command, like the runner's `ActionCommand.TryParseV2`:
 * leading whitespace is ignored, the command name must be registered (case-insensitive),
 * properties are `k=v` pairs separated by `,`. Returns `null` for ordinary log lines.
 */
export function parseWorkflowCommand(
  line: string,
  registered: ReadonlySet<string> = REGISTERED_COMMANDS,
): WorkflowCommand | null {
  const message = line.trimStart();
  if (!message.startsWith('::')) return null;
  const end = message.indexOf('::', 2);
  if (end < 0) return null;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase();
  if (!registered.has(name)) return null;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const prop of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter((p) => p !== '')) {
      const eq = prop.indexOf('=');
      // C# Split('=', 2, RemoveEmptyEntries): both halves must be non-empty
      if (eq > 0 && eq < prop.length - 1)
        properties[prop.slice(0, eq)] = unescapeProperty(prop.slice(eq + 1));
    }
  }
  return { command: name, properties, data: unescapeData(message.slice(end + 2)) };
}

/** Reads one LF-terminated line (the runner's Linux `ReadLine`: CR is kept as part of the line). */
function readLine(text: string, pos: { i: number }): { line: string; newline: string } | null {
  if (pos.i >= text.length) return null;
  const start = pos.i;
  const lf = text.indexOf('\n', start);
  if (lf < 0) {
    pos.i = text.length;
    return { line: text.slice(start), newline: '' };
  }
  pos.i = lf + 1;
  return { line: text.slice(start, lf), newline: '\n' };
}

/**
 * Parses a `GITHUB_OUTPUT` / `GITHUB_ENV` / `GITHUB_STATE` file: `NAME=value` lines and
 * `NAME<<DELIMITER` heredocs (value = the lines up to a line equal to DELIMITER, without the final
 * newline). Empty lines are skipped. Throws, like the runner, on a line in neither format, an empty
 * name or delimiter, or a missing closing delimiter. Returns pairs in file order (later wins).
 */
export function parseKeyValueFile(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const pos = { i: 0 };
  for (let rec = readLine(text, pos); rec !== null; rec = readLine(text, pos)) {
    const line = rec.line;
    if (line === '') continue;
    const eq = line.indexOf('=');
    const hd = line.indexOf('<<');
    if (eq >= 0 && (hd < 0 || eq < hd)) {
      const name = line.slice(0, eq);
      if (name === '') throw new Error(`Invalid format '${line}'. Name must not be empty`);
      pairs.push([name, line.slice(eq + 1)]);
    } else if (hd >= 0 && (eq < 0 || hd < eq)) {
      const name = line.slice(0, hd);
      const delimiter = line.slice(hd + 2);
      if (name === '' || delimiter === '') {
        throw new Error(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`);
      }
      const start = pos.i;
      let end = pos.i;
      let tmp = readLine(text, pos);
      while (tmp === null || tmp.line !== delimiter) {
        if (tmp === null) throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`);
        end = pos.i - tmp.newline.length;
        tmp = readLine(text, pos);
      }
      pairs.push([name, end > start ? text.slice(start, end) : '']);
    } else {
      throw new Error(`Invalid format '${line}'`);
    }
  }
  return pairs;
}

/** Parses a `GITHUB_PATH` file: one directory per line (CRLF/CR/LF), empty lines ignored. */
export function parsePathFile(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((l) => l !== '');
}

/**
 * Adds directories from a `GITHUB_PATH` file to the job's prepend list the way the runner does
 * (a re-added entry moves to the end); {@link prependPathValue} reverses the list, so the most
 * recently added directory comes first in `PATH`.
 */
export function addToPrependPath(prepend: string[], entries: string[]): void {
  for (const entry of entries) {
    const existing = prepend.indexOf(entry);
    if (existing >= 0) prepend.splice(existing, 1);
    prepend.push(entry);
  }
}

/** The `PATH` value a step sees: prepended directories (newest first), then the base `PATH`. */
export function prependPathValue(prepend: readonly string[], basePath: string | undefined): string {
  if (prepend.length === 0) return basePath ?? '';
  const head = [...prepend].reverse().join(':');
  return basePath ? `${head}:${basePath}` : head;
}

/**
 * Splits a byte stream into lines the way .NET's `StreamReader.ReadLine` does (the runner reads
 * process output with it): `\r\n`, `\r` and `\n` all terminate a line.
 */
export class LineSplitter {
  private buf = '';

  /** Feeds a chunk; returns the lines completed by it. */
  push(chunk: string): string[] {
    this.buf += chunk;
    const lines: string[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      // a trailing lone CR may be the first half of CRLF: wait for more data
      if (m[0] === '\r' && m.index === this.buf.length - 1) break;
      lines.push(this.buf.slice(0, m.index));
      this.buf = this.buf.slice(m.index + m[0].length);
    }
    return lines;
  }

  /** Returns the unterminated remainder (if any) as a final line. */
  flush(): string[] {
    const rest = this.buf.replace(/\r$/, '');
    const had = this.buf !== '';
    this.buf = '';
    return had ? [rest] : [];
  }
}

/** What processing one output line did. */
export interface CommandEffects {
  annotation?: Annotation;
  mask?: string;
  output?: [string, string];
  state?: [string, string];
  /** The runner marks the step failed (e.g. a disabled `set-env` command). */
  fail?: boolean;
}

const DISABLED_COMMAND_MESSAGE = (cmd: string) =>
  `The \`${cmd}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/`;

const DEPRECATED_COMMAND_MESSAGE = (cmd: string) =>
  `The \`${cmd}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/`;

/**
 * Stateful workflow-command processor for one step (tracks `::stop-commands::`). Mirrors what the
 * runner's command extensions do with each command; commands that only affect log rendering
 * (`group`, `endgroup`, `debug`, `echo`, matchers) have no effect here.
 */
export class CommandProcessor {
  private stopToken: string | null = null;

  /**
   * @param allowUnsecureCommands value of `ACTIONS_ALLOW_UNSECURE_COMMANDS === 'true'` in the
   *   step's env; enables the legacy `set-env` / `add-path` commands.
   * @param onUnsecureCommand receives legacy `set-env` / `add-path` effects when enabled.
   */
  constructor(
    private readonly allowUnsecureCommands = false,
    private readonly onUnsecureCommand?: (cmd: WorkflowCommand) => void,
  ) {}

  /** Processes one line of stdout or stderr; returns `null` when the line is not a command. */
  process(line: string): CommandEffects | null {
    if (this.stopToken !== null) {
      const resume = parseWorkflowCommand(line, new Set([this.stopToken.toLowerCase()]));
      if (resume) {
        this.stopToken = null;
        return {};
      }
      return null;
    }
    const cmd = parseWorkflowCommand(line);
    if (!cmd) return null;
    const runnerAnnotation = (level: AnnotationLevel, message: string): Annotation => ({
      level,
      message,
      properties: {},
      origin: 'runner',
    });
    switch (cmd.command) {
      case 'stop-commands':
        this.stopToken = cmd.data;
        return {};
      case 'error':
      case 'warning':
      case 'notice':
        return {
          annotation: { level: cmd.command, message: cmd.data, properties: cmd.properties, origin: 'action' },
        };
      case 'add-mask':
        if (cmd.data.trim() === '') {
          return {
            annotation: runnerAnnotation(
              'warning',
              "Can't add secret mask for empty string in ##[add-mask] command.",
            ),
          };
        }
        return { mask: cmd.data };
      case 'set-output':
      case 'save-state': {
        const name = cmd.properties.name;
        if (!name) {
          return {
            annotation: runnerAnnotation('error', `Unable to process command '${line}' successfully.`),
            fail: true,
          };
        }
        const effects: CommandEffects = {
          annotation: runnerAnnotation('warning', DEPRECATED_COMMAND_MESSAGE(cmd.command)),
        };
        if (cmd.command === 'set-output') effects.output = [name, cmd.data];
        else effects.state = [name, cmd.data];
        return effects;
      }
      case 'set-env':
      case 'add-path':
        if (!this.allowUnsecureCommands) {
          return {
            annotation: runnerAnnotation(
              'error',
              `Unable to process command '${line}' successfully.\n${DISABLED_COMMAND_MESSAGE(cmd.command)}`,
            ),
            fail: true,
          };
        }
        this.onUnsecureCommand?.(cmd);
        return {};
      default:
        return {};
    }
  }
}

/**
 * Replaces every registered secret in `text` with `***`, longest secret first, like the runner's
 * secret masker (literal values only; the runner's extra encodings, e.g. base64 variants, are not
 * reproduced).
 */
export function maskSecrets(text: string, masks: readonly string[]): string {
  if (masks.length === 0) return text;
  let out = text;
  for (const m of [...masks].sort((a, b) => b.length - a.length)) {
    if (m !== '') out = out.split(m).join('***');
  }
  return out;
}
