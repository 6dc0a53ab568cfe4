/** The runner harness's job: inputs and environment, outputs and hand-off, posts, cancellation, workflow commands — as the GitHub runner does them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_GITHUB_TOKEN, repoRoot } from '../../harness/env.js';
import { type JobResult, type JobSpec, runJob, type StepResult } from '../../harness/job.js';
import { SIGINT_GRACE_MS } from '../../harness/process.js';

const actionsRoot = path.join(repoRoot, 'test', 'fixtures');
const jobs: JobResult[] = [];

/** Runs a job against the fixture action and remembers it for cleanup. */
async function run(spec: Omit<JobSpec, 'actionsRoot'>): Promise<JobResult> {
  const job = await runJob({ ...spec, actionsRoot });
  jobs.push(job);
  return job;
}

afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

function step(job: JobResult, id: string, phase: 'main' | 'post'): StepResult {
  const found = job.steps.find((s) => s.id === id && s.phase === phase);
  if (!found) throw new Error(`no ${phase} result for ${id}`);
  return found;
}

const json = (s: string | undefined): Record<string, string> =>
  JSON.parse(s ?? 'null') as Record<string, string>;

function postOrder(job: JobResult): string[] {
  const file = path.join(job.runnerTemp, 'post-order.log');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('runJob: inputs and environment', () => {
  it('passes with-values and action.yml defaults as INPUT_* and sets the runner variables', async () => {
    const leaked = {
      GITHUB_TOKEN: 'ghp_inheritedFromTheDeveloperShell',
      INPUT_MODE: 'fail',
      RUNNER_DEBUG: '1',
      STATE_message: 'inherited state',
    };
    const saved = Object.fromEntries(Object.keys(leaked).map((k) => [k, process.env[k]]));
    Object.assign(process.env, leaked);
    let job: JobResult;
    try {
      job = await run({
        steps: [
          { id: 'a', uses: 'harness-action', with: { message: 'hi there', 'old-name': 'x', bogus: 'y' } },
        ],
      });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const main = step(job, 'a', 'main');
    expect(main.outcome).toBe('success');
    const inputs = json(main.outputs['inputs-json']);
    expect(inputs).toMatchObject({
      INPUT_MESSAGE: 'hi there',
      'INPUT_GREETING-NAME': 'world',
      INPUT_TOKEN: FAKE_GITHUB_TOKEN,
      INPUT_REPO: 'acme/webapp',
      'INPUT_NO-DEFAULT': '',
      INPUT_MODE: 'ok',
    });
    expect(main.outputs.greeting).toBe('hello world');

    const env = json(main.outputs['env-json']);
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
    expect(env).not.toHaveProperty('RUNNER_DEBUG');
    expect(env).not.toHaveProperty('STATE_message');
    expect(env).toMatchObject({
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_ACTION: 'a',
      GITHUB_REPOSITORY: 'acme/webapp',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: job.workspace,
      GITHUB_ACTION_PATH: path.join(actionsRoot, 'harness-action'),
      RUNNER_TEMP: job.runnerTemp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
    });
    // The runner sets GITHUB_API_URL; the harness points it at its fake GitHub on loopback.
    expect(env.GITHUB_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env).not.toHaveProperty('GITHUB_HEAD_REF');
    expect(main.outputs.cwd).toBe(job.workspace);
    const payload = json(fs.readFileSync(env.GITHUB_EVENT_PATH as string, 'utf8'));
    expect(payload).toMatchObject({ after: env.GITHUB_SHA });

    const notes = main.annotations.filter((a) => a.origin === 'runner').map((a) => a.message);
    expect(notes).toContain("Input 'old-name' has been deprecated with message: use message instead");
    expect(notes.some((m) => m.startsWith("Unexpected input(s) 'bogus'"))).toBe(true);
  });

  it('sets the pull_request refs from the event payload', async () => {
    const job = await run({
      event: {
        name: 'pull_request',
        payload: {
          number: 7,
          pull_request: { number: 7, head: { ref: 'feature/x' }, base: { ref: 'main' } },
        },
      },
      steps: [{ id: 'a', uses: 'harness-action' }],
    });
    const env = json(job.outputs('a')['env-json']);
    expect(env).toMatchObject({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_HEAD_REF: 'feature/x',
      GITHUB_BASE_REF: 'main',
    });
  });
});

describe('runJob: outputs, state and env hand-off', () => {
  it('hands outputs, GITHUB_ENV, GITHUB_PATH and state to later steps and posts', async () => {
    const job = await run({
      env: {
        HARNESS_LEVEL: 'job',
        GITHUB_REPOSITORY: 'evil/override',
        GITHUB_API_URL: 'http://127.0.0.1:9/api',
      },
      steps: [
        {
          id: 'a',
          uses: 'harness-action',
          with: {
            message: 'from a',
            'export-name': 'HARNESS_LEVEL',
            'export-value': 'exported\nsecond line',
            'add-path': '/opt/harness-bin',
          },
        },
        {
          id: 'b',
          uses: 'harness-action',
          with: (ctx) => ({ message: `${ctx.steps.a?.outputs.greeting}|${ctx.env.HARNESS_LEVEL}` }),
        },
        { id: 'c', uses: 'harness-action', env: { HARNESS_LEVEL: 'step' } },
      ],
    });
    expect(job.status).toBe('success');
    expect(job.outputs('b').message).toBe('hello world|exported\nsecond line');
    expect(() => job.outputs('nope')).toThrow(/no step 'nope'/);

    const envA = json(job.outputs('a')['env-json']);
    const envB = json(job.outputs('b')['env-json']);
    const envC = json(job.outputs('c')['env-json']);
    expect(envA.HARNESS_LEVEL).toBe('job'); // the exporting step doesn't see its own export
    expect(envB.HARNESS_LEVEL).toBe('exported\nsecond line'); // export beats job env
    expect(envC.HARNESS_LEVEL).toBe('step'); // step env beats export
    expect(envA.PATH?.startsWith('/opt/harness-bin:')).toBe(false);
    expect(envB.PATH?.startsWith('/opt/harness-bin:')).toBe(true);
    expect(envB.GITHUB_REPOSITORY).toBe('acme/webapp'); // default GITHUB_* can't be overridden
    expect(envB.GITHUB_API_URL).not.toBe('http://127.0.0.1:9/api'); // the runner's value wins over env, as on GitHub
    expect(job.env).toEqual({ HARNESS_LEVEL: 'exported\nsecond line' });

    const postA = step(job, 'a', 'post');
    expect(postA.outcome).toBe('success');
    expect(postA.stdout).toContain('post a state={"message":"from a","started-by":"a"}');
    expect(step(job, 'a', 'main').state).toEqual({ message: 'from a', 'started-by': 'a' });

    expect(job.summary).toBe(
      '### a: from a\n### b: hello world|exported\nsecond line\n### c: hello from the default\npost c\npost b\npost a\n',
    );
  });

  it('fails a step whose file command is malformed, like the runner', async () => {
    const job = await run({ steps: [{ id: 'a', uses: 'harness-action', with: { mode: 'bad-output' } }] });
    const main = step(job, 'a', 'main');
    expect(main.exitCode).toBe(0);
    expect(main.outcome).toBe('failure');
    expect(
      main.annotations.some((a) => a.message.startsWith("Unable to process file command 'output'")),
    ).toBe(true);
    expect(job.status).toBe('failure');
  });
});

describe('runJob: post steps', () => {
  it('skips later mains after a failure and runs the posts of the steps that ran, in reverse order', async () => {
    const job = await run({
      steps: [
        { id: 'a', uses: 'harness-action' },
        { id: 'b', uses: 'harness-action', with: { mode: 'fail' } },
        { id: 'c', uses: 'harness-action' },
      ],
    });
    expect(job.steps.map((s) => `${s.id}:${s.phase}:${s.outcome}`)).toEqual([
      'a:main:success',
      'b:main:failure',
      'c:main:skipped',
      'b:post:success',
      'a:post:success',
    ]);
    expect(step(job, 'b', 'main').exitCode).toBe(1);
    expect(postOrder(job)).toEqual(['b', 'a']);
    expect(step(job, 'b', 'post').stdout).toContain('"started-by":"b"');
    expect(job.status).toBe('failure');
  });

  it('continue-on-error: a failing step lets later steps run and leaves the job successful', async () => {
    const job = await run({
      steps: [
        { id: 'b', uses: 'harness-action', with: { mode: 'fail' }, continueOnError: true },
        { id: 'c', uses: 'harness-action' },
      ],
    });
    expect(job.steps.filter((s) => s.phase === 'main').map((s) => `${s.id}:${s.outcome}`)).toEqual([
      'b:failure',
      'c:success',
    ]);
    expect(job.status).toBe('success');
  });

  it('keeps running posts after a failing post and reports the job as failed', async () => {
    const job = await run({
      steps: [
        { id: 'a', uses: 'harness-action' },
        { id: 'b', uses: 'harness-action', with: { mode: 'fail-post' } },
      ],
    });
    expect(step(job, 'b', 'main').outcome).toBe('success');
    expect(step(job, 'b', 'post').outcome).toBe('failure');
    expect(step(job, 'a', 'post').outcome).toBe('success');
    expect(postOrder(job)).toEqual(['b', 'a']);
    expect(job.status).toBe('failure');
  });

  it.each([
    ['true', true],
    ['TRUE', true], // expression string comparison is case-insensitive
    ['false', false],
  ])(
    "post-if env.EPHEMERAL_KEEP != 'true' with EPHEMERAL_KEEP=%s skips the post: %s",
    async (value, skip) => {
      const job = await run({ env: { EPHEMERAL_KEEP: value }, steps: [{ id: 'a', uses: 'harness-action' }] });
      const post = step(job, 'a', 'post');
      expect(post.condition).toBe("always() && env.EPHEMERAL_KEEP != 'true'");
      expect(post.outcome).toBe(skip ? 'skipped' : 'success');
      expect(postOrder(job)).toEqual(skip ? [] : ['a']);
    },
  );

  it('evaluates post-if against variables exported through GITHUB_ENV', async () => {
    const job = await run({
      steps: [
        { id: 'a', uses: 'harness-action' },
        {
          id: 'b',
          uses: 'harness-action',
          with: { 'export-name': 'EPHEMERAL_KEEP', 'export-value': 'true' },
        },
      ],
    });
    expect(step(job, 'b', 'post').outcome).toBe('skipped');
    expect(step(job, 'a', 'post').outcome).toBe('skipped');
    expect(postOrder(job)).toEqual([]);
  });
});

describe('runJob: cancellation and timeouts', () => {
  it('cancels with SIGINT, then SIGTERM 7.5 s later when SIGINT is ignored; posts still run', async () => {
    const job = await run({
      cancel: { step: 'b', when: /^sleeping/ },
      steps: [
        { id: 'a', uses: 'harness-action' },
        { id: 'b', uses: 'harness-action', with: { mode: 'ignore-sigint' } },
        { id: 'c', uses: 'harness-action' },
      ],
    });
    const main = step(job, 'b', 'main');
    expect(main.outcome).toBe('cancelled');
    expect(main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT', 'SIGTERM']);
    const sigint = main.signalsSent[0]?.atMs ?? Number.NaN;
    const sigterm = main.signalsSent[1]?.atMs ?? Number.NaN;
    // actions/runner ProcessInvoker: 7.5 s between SIGINT and SIGTERM
    expect(SIGINT_GRACE_MS).toBe(7500);
    expect(sigterm - sigint).toBeGreaterThanOrEqual(7495);
    expect(sigterm - sigint).toBeLessThan(9000);
    // and from the process's own point of view
    const gotInt = Number(/got SIGINT at (\d+)/.exec(main.stdout)?.[1]);
    const gotTerm = Number(/got SIGTERM at (\d+)/.exec(main.stdout)?.[1]);
    expect(gotTerm - gotInt).toBeGreaterThanOrEqual(7400);
    expect(main.exitCode).toBe(143);

    expect(step(job, 'c', 'main').outcome).toBe('skipped');
    expect(step(job, 'b', 'post').outcome).toBe('success');
    expect(step(job, 'a', 'post').outcome).toBe('success');
    expect(postOrder(job)).toEqual(['b', 'a']);
    expect(job.status).toBe('cancelled');
  }, 30_000);

  it('sends only SIGINT when the process honours it (cancel after a delay)', async () => {
    const job = await run({
      // Long enough for Node to start and install its handler on a loaded 2-core machine.
      cancel: { step: 'a', afterMs: 1500 },
      steps: [
        { id: 'a', uses: 'harness-action', with: { mode: 'sleep' } },
        { id: 'b', uses: 'harness-action' },
      ],
    });
    const main = step(job, 'a', 'main');
    expect(main.outcome).toBe('cancelled');
    expect(main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT']);
    expect(main.stdout).toMatch(/got SIGINT at \d+, exiting/);
    expect(main.exitCode).toBe(130);
    expect(main.durationMs).toBeLessThan(7500);
    expect(step(job, 'b', 'main').outcome).toBe('skipped');
    expect(postOrder(job)).toEqual(['a']);
    expect(job.status).toBe('cancelled');
  });

  it('fails a step that exceeds the step timeout (interrupting it) and still runs its post', async () => {
    const job = await run({
      stepTimeoutMs: 1500,
      steps: [{ id: 'a', uses: 'harness-action', with: { mode: 'sleep' } }],
    });
    const main = step(job, 'a', 'main');
    expect(main.outcome).toBe('failure');
    expect(main.signalsSent[0]?.signal).toBe('SIGINT');
    expect(main.annotations.some((a) => a.origin === 'runner' && /timed out/.test(a.message))).toBe(true);
    expect(step(job, 'a', 'post').outcome).toBe('success');
    expect(job.status).toBe('failure');
  });
});

describe('runJob: workflow commands', () => {
  it('parses annotations and ignores stopped, debug and unknown commands', async () => {
    const lines: string[] = [];
    const job = await run({
      steps: [{ id: 'a', uses: 'harness-action', with: { mode: 'annotate' } }],
      onLine: (id, phase, line) => lines.push(`${id}/${phase}: ${line}`),
    });
    const main = step(job, 'a', 'main');
    expect(main.annotations).toEqual([
      {
        level: 'error',
        message: 'multi\nline 100%',
        properties: { file: 'src/app.ts', line: '12', col: '5', title: 'Bad: thing, really' },
        origin: 'action',
      },
      { level: 'warning', message: 'careful', properties: { file: 'src/b.ts' }, origin: 'action' },
      { level: 'notice', message: 'just so you know', properties: {}, origin: 'action' },
      { level: 'warning', message: 'from stderr', properties: {}, origin: 'action' },
    ]);
    expect(main.stdout).toContain(
      '::error file=src/app.ts,line=12,col=5,title=Bad%3A thing%2C really::multi%0Aline 100%25',
    );
    expect(lines).toContain('a/main: ::notice::just so you know');
    expect(lines).toContain(
      'a/post: post a state={"message":"hello from the default","started-by":"a"} mode=annotate',
    );
  });

  it('masks add-mask values and job secrets in the log and summary, but keeps raw stdout', async () => {
    const secret = 's3cr3t-VALUE-42';
    const job = await run({
      secrets: ['hunter2-job-secret'],
      steps: [
        { id: 'a', uses: 'harness-action', with: { mode: 'mask', secret, message: 'hunter2-job-secret' } },
      ],
    });
    const main = step(job, 'a', 'main');
    expect(main.outcome).toBe('success');
    expect(main.masks).toEqual([secret]);
    expect(main.stdout).toContain(`after masking: the secret is ${secret}`);
    expect(job.rawLogText()).toContain(secret);
    expect(job.logText()).not.toContain(secret);
    expect(job.logText()).toContain('after masking: the secret is ***');
    expect(job.logText()).toContain('stderr also masked: ***');
    expect(job.summary).toContain('secret in summary: ***');
    expect(job.summary).toContain('### a: ***');
    expect(job.summary).not.toContain('hunter2-job-secret');
  });
});
